/* memfd_create was ENOSYS. A memfd is an anonymous regular file, open for
 * reading and writing, that grows with ftruncate and writes and maps
 * shared twice (a JIT's writable and executable views of one code
 * buffer). Its name is checked (249 bytes at most, EFAULT), unknown flags
 * are EINVAL, MFD_CLOEXEC sets close-on-exec, and one made without
 * MFD_ALLOW_SEALING is sealed against seals. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result_name.h"

int main(void)
{
	int fd = memfd_create("buffer", 0);
	printf("memfd_create: %s\n", res(fd));
	struct stat st;
	fstat(fd, &st);
	printf("a regular file: %s, mode %o, size %ld\n", S_ISREG(st.st_mode) ? "yes" : "no",
	       (unsigned)(st.st_mode & 07777), (long)st.st_size);
	printf("write: %zd\n", write(fd, "hello", 5));
	char buf[8] = {0};
	printf("pread: %zd %s\n", pread(fd, buf, 5, 0), buf);
	printf("ftruncate 8192: %s\n", res(ftruncate(fd, 8192)));
	char *rw = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *ro = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	printf("two shared maps: %s\n", rw != MAP_FAILED && ro != MAP_FAILED ? "yes" : "no");
	if (rw != MAP_FAILED && ro != MAP_FAILED) {
		strcpy(rw + 4096, "through the other view");
		/* after a system call: until then, BareFlow's two maps of a file
		 * differ (docs/architecture.md, shmap.c) */
		getppid();
		printf("one sees the other's write: %s\n", ro + 4096);
		printf("the file sees it: %zd ", pread(fd, buf, 7, 4096));
		printf("%.7s\n", buf);
		printf("and the first bytes: %.5s\n", ro);
	}
	printf("F_GETFD: %d\n", fcntl(fd, F_GETFD));
	int cx = memfd_create("cx", MFD_CLOEXEC);
	printf("MFD_CLOEXEC F_GETFD: %d\n", fcntl(cx, F_GETFD));
	printf("F_GET_SEALS: %d\n", fcntl(fd, F_GET_SEALS));
	printf("F_ADD_SEALS: %s\n", res(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW)));
	printf("an unknown flag: %s\n", res(memfd_create("x", 0x100)));
	printf("MFD_EXEC with MFD_NOEXEC_SEAL: %s\n", res(memfd_create("x", 0x18)));
	char longest[251];
	memset(longest, 'n', 249);
	longest[249] = 0;
	printf("a name of 249 bytes: %s\n", res(memfd_create(longest, 0)));
	longest[249] = 'n', longest[250] = 0;
	printf("a name of 250 bytes: %s\n", res(memfd_create(longest, 0)));
	printf("a name not mapped: %s\n", res(memfd_create((const char *)16, 0)));
	return 0;
}
