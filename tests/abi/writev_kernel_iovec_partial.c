/* A writev whose iovec points into the kernel wrote the parts before it and
 * returned a partial count; Linux checks every part against the user half
 * first and fails with EFAULT having written nothing. readv, preadv and
 * pwritev check the same way. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *res(long r)
{
	static char buf[32];
	if (r >= 0) {
		snprintf(buf, sizeof buf, "%ld", r);
		return buf;
	}
	return errno == EFAULT ? "EFAULT" : errno == EINVAL ? "EINVAL" : errno == EAGAIN ? "EAGAIN" : strerror(errno);
}

static int p[2];

/* writev "abc" then the second part; then what reached the pipe. */
static void try_write(const char *what, void *base, size_t len)
{
	struct iovec v[2] = {{"abc", 3}, {base, len}};
	char got[64];
	printf("writev, %s: %s", what, res(writev(p[1], v, 2)));
	printf(", the pipe holds %s\n", res(read(p[0], got, sizeof got)));
}

int main(void)
{
	pipe2(p, O_NONBLOCK);
	try_write("kernel address", (void *)0xffffffff81000000ul, 16);
	try_write("kernel address, length 0", (void *)0xffffffff81000000ul, 0);
	try_write("non-canonical address", (void *)0x0000800000000000ul, 16);
	try_write("last user page", (void *)0x00007ffffffff000ul, 16);
	try_write("running past the user half", (void *)0x00007fffffffe000ul, 0x3000);
	try_write("NULL, length 0", NULL, 0);
	struct iovec neg[2] = {{(void *)0xffffffff81000000ul, 4}, {"x", (size_t)-1}};
	printf("kernel part then a negative length: %s\n", res(writev(p[1], neg, 2)));

	write(p[1], "hello", 5);
	char a[2];
	struct iovec r[2] = {{a, 2}, {(void *)0xffffffff81000000ul, 8}};
	printf("readv into the kernel: %s", res(readv(p[0], r, 2)));
	char rest[16] = {0};
	printf(", the pipe still holds %s bytes\n", res(read(p[0], rest, sizeof rest)));

	char name[] = "/tmp/writev-XXXXXX";
	int fd = mkstemp(name);
	unlink(name);
	struct iovec w[2] = {{"abc", 3}, {(void *)0xffffffff81000000ul, 8}};
	printf("pwritev: %s", res(pwritev(fd, w, 2, 0)));
	printf(", file size %ld\n", (long)lseek(fd, 0, SEEK_END));
	write(fd, "data", 4);
	struct iovec pr[2] = {{a, 2}, {(void *)0xffffffff81000000ul, 8}};
	printf("preadv: %s\n", res(preadv(fd, pr, 2, 0)));
	return 0;
}
