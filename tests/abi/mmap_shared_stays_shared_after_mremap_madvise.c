/* A shared file mapping moved by mremap, or a page of one discarded with
 * MADV_DONTNEED, became a private copy: later stores through it never
 * reached the file or the file's other mappings. Both stay shared. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The file's bytes at off, as read(2) sees them. */
static const char *file_at(int fd, off_t off, size_t n)
{
	static char buf[64];
	memset(buf, 0, sizeof buf);
	pread(fd, buf, n, off);
	return buf;
}

int main(void)
{
	char path[] = "/tmp/bfsharedXXXXXX";
	int fd = mkstemp(path);
	char page[4096];
	for (int i = 0; i < 4; i++) {
		memset(page, 0, sizeof page);
		snprintf(page, sizeof page, "page%d", i);
		write(fd, page, sizeof page);
	}
	char *a = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED || b == MAP_FAILED)
		return printf("mmap failed\n"), 1;

	/* Move a elsewhere (a range far from both, reserved then freed). */
	char *hole = mmap(NULL, 8 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 8 * 4096);
	char *m = mremap(a, 2 * 4096, 3 * 4096, MREMAP_MAYMOVE | MREMAP_FIXED, hole + 4 * 4096);
	printf("mremap moved it: %s\n", m == hole + 4 * 4096 ? "yes" : "no");
	printf("the moved mapping shows %s and its new page %s\n", m, m + 2 * 4096);
	memcpy(m, "MOVED", 5);
	memcpy(m + 2 * 4096, "GROWN", 5);
	printf("the file sees the moved mapping's stores: %s", file_at(fd, 0, 5));
	printf(" %s\n", file_at(fd, 2 * 4096, 5));
	printf("so does the other mapping: %.5s\n", b);

	madvise(b + 4096, 4096, MADV_DONTNEED);
	printf("after MADV_DONTNEED the page shows the file: %s\n", b + 4096);
	memcpy(b + 4096, "AFTER", 5);
	printf("a store after MADV_DONTNEED reaches the file: %s\n", file_at(fd, 4096, 5));
	printf("and the moved mapping: %.5s\n", m + 4096);
	pwrite(fd, "WRITE", 5, 4096);
	printf("pwrite shows through both: %.5s %.5s\n", b + 4096, m + 4096);

	munmap(m, 3 * 4096);
	munmap(b, 2 * 4096);
	unlink(path);
	return 0;
}
