/* fallocate was ENOSYS, and glibc's posix_fallocate with it. Mode 0 grows
 * a file with zeros (never shrinks it), KEEP_SIZE leaves its size, and the
 * checks come in Linux's order: EINVAL for a bad range, EOPNOTSUPP for
 * unknown modes and a hole punched without KEEP_SIZE, EBADF unless open
 * for writing, ESPIPE for a pipe, ENODEV for a device. Compared with
 * Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result_name.h"

static long size_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) ? -1 : (long)st.st_size;
}

int main(void)
{
	char path[] = "/tmp/fallocate_XXXXXX";
	int fd = mkstemp(path);
	write(fd, "abc", 3);
	printf("grow to 8192: %s, size %ld\n", res(fallocate(fd, 0, 0, 8192)), size_of(fd));
	printf("inside the file: %s, size %ld\n", res(fallocate(fd, 0, 100, 100)), size_of(fd));
	printf("from 10000 on: %s, size %ld\n", res(fallocate(fd, 0, 10000, 5)), size_of(fd));
	char buf[16];
	pread(fd, buf, 4, 9998);
	printf("zeros where it grew, the old bytes kept: %s\n",
	       !memcmp(buf, "\0\0\0\0", 4) && pread(fd, buf, 3, 0) == 3 && !memcmp(buf, "abc", 3)
		   ? "yes"
		   : "no");
	int e = posix_fallocate(fd, 0, 20000);
	printf("posix_fallocate to 20000: %s, size %ld\n", e ? strerrorname_np(e) : "ok",
	       size_of(fd));
	printf("KEEP_SIZE past the end: %s, size %ld\n",
	       res(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 65536)), size_of(fd));
	printf("length 0: %s\n", res(fallocate(fd, 0, 0, 0)));
	printf("negative offset: %s\n", res(fallocate(fd, 0, -1, 10)));
	printf("an unknown mode: %s\n", res(fallocate(fd, 0x100, 0, 10)));
	printf("a hole without KEEP_SIZE: %s\n", res(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10)));
	/* (a collapse with another flag: EINVAL before Linux 6.11, EOPNOTSUPP after) */
	printf("past the largest offset: %s\n", res(fallocate(fd, 0, 0x7fffffffffffff00, 0x1000)));
	int ro = open(path, O_RDONLY);
	printf("read-only: %s\n", res(fallocate(ro, 0, 0, 10)));
	close(ro);
	int p[2];
	pipe(p);
	printf("a pipe: %s\n", res(fallocate(p[1], 0, 0, 10)));
	int null = open("/dev/null", O_WRONLY);
	printf("a device: %s\n", res(fallocate(null, 0, 0, 10)));
	printf("a closed descriptor: %s\n", res(fallocate(999, 0, 0, 10)));
	unlink(path);
	return 0;
}
