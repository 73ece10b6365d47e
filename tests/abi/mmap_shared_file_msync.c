/* mmap(MAP_SHARED) of a file with write access was refused with ENODEV, and
 * MADV_DONTNEED on a private file mapping gave zeroes instead of the file.
 * Writes through a shared mapping reach the file by msync and by munmap;
 * dropped pages of a private file mapping come back from the file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *res(int r) { return r ? strerrorname_np(errno) : "ok"; }

/* The file's bytes at off, as read(2) sees them. */
static const char *file_at(int fd, off_t off, size_t n)
{
	static char buf[64];
	memset(buf, 0, sizeof buf);
	if (pread(fd, buf, n, off) < 0)
		return strerrorname_np(errno);
	return buf;
}

int main(void)
{
	char dir[] = "/tmp/bfXXXXXX", path[64];
	if (!mkdtemp(dir))
		return printf("mkdtemp: %s\n", strerrorname_np(errno)), 1;
	snprintf(path, sizeof path, "%s/data", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	char page[4096];
	for (int i = 0; i < 3; i++) { /* three pages and a bit: "page0", "page1", ... */
		memset(page, 'a' + i, sizeof page);
		snprintf(page, sizeof page, "page%d", i);
		write(fd, page, sizeof page);
	}
	write(fd, "tail", 4);
	size_t len = 4 * 4096;

	char *s = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("shared read-write mapping: %s\n", s == MAP_FAILED ? strerrorname_np(errno) : "mapped");
	if (s == MAP_FAILED)
		return 1;
	printf("it shows the file: %s %s %.4s\n", s, s + 4096, s + 3 * 4096);
	memcpy(s, "PAGE0", 5);
	printf("msync MS_SYNC: %s\n", res(msync(s, len, MS_SYNC)));
	printf("the file after msync: %s\n", file_at(fd, 0, 5));
	memcpy(s + 4096, "PAGE1", 5);
	printf("msync MS_ASYNC of one page: %s\n", res(msync(s + 4096, 4096, MS_ASYNC)));
	printf("the file: %s\n", file_at(fd, 4096, 5));
	memcpy(s + 2 * 4096, "PAGE2", 5);
	memcpy(s + 3 * 4096, "TAIL and past the end", 21);
	printf("madvise DONTNEED keeps shared data: %s, %s\n", res(madvise(s + 2 * 4096, 4096, MADV_DONTNEED)),
	       s + 2 * 4096);
	printf("munmap: %s\n", res(munmap(s, len)));
	printf("the file after munmap: %s", file_at(fd, 2 * 4096, 5));
	printf(" %s; size %ld\n", file_at(fd, 3 * 4096, 8), (long)lseek(fd, 0, SEEK_END));

	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memcpy(p, "private", 7);
	memcpy(p + 4096, "private", 7);
	printf("a private mapping's write stays private: %s\n", file_at(fd, 0, 7));
	printf("madvise DONTNEED on a private file mapping: %s\n", res(madvise(p, 4096, MADV_DONTNEED)));
	printf("the page is the file's again: %s; the next page kept: %.7s\n", p, p + 4096);
	printf("msync of a private mapping: %s\n", res(msync(p, len, MS_SYNC)));
	printf("the file is untouched: %s\n", file_at(fd, 4096, 5));

	printf("msync bad flag: %s\n", res(msync(p, 4096, 8)));
	printf("msync MS_ASYNC|MS_SYNC: %s\n", res(msync(p, 4096, MS_ASYNC | MS_SYNC)));
	printf("msync unaligned: %s\n", res(msync(p + 1, 4096, MS_SYNC)));
	printf("msync length 0: %s\n", res(msync(p, 0, MS_SYNC)));
	munmap(p + 4096, 4096);
	printf("msync across a hole: %s\n", res(msync(p, len, MS_SYNC)));
	printf("msync MS_ASYNC across a hole: %s\n", res(msync(p, len, MS_ASYNC)));

	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	char *g = mremap(m, 4096, 2 * 4096, MREMAP_MAYMOVE);
	printf("a shared file mapping grown by mremap: %s, shows %.5s then %.5s\n",
	       g == MAP_FAILED ? strerrorname_np(errno) : "ok", g, g + 4096);
	memcpy(g + 4096, "grown", 5);
	munmap(g, 2 * 4096);
	printf("its new page reached the file: %s\n", file_at(fd, 2 * 4096, 5));

	int ro = open(path, O_RDONLY);
	char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	printf("shared writable mapping of a read-only fd: %s\n", w == MAP_FAILED ? strerrorname_np(errno) : "mapped");
	char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
	printf("shared read-only mapping of it: %s, %s\n", r == MAP_FAILED ? strerrorname_np(errno) : "mapped", r);
	unlink(path);
	rmdir(dir);
	return 0;
}
