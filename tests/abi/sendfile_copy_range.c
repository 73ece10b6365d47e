/* sendfile and copy_file_range were ENOSYS (cp, web servers and busybox
 * use them; glibc's own callers fall back, but programs that call them
 * directly do not). Copies from a file to a file, a pipe and stdout, with
 * and without an offset pointer (which moves instead of the file's
 * position), at and past the end, short copies into a full non-blocking
 * pipe; copy_file_range between two files and within one; Linux's errors
 * in its order. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result_name.h"

static char data[200000];

static void show_file(const char *what, int fd)
{
	struct stat st;
	fstat(fd, &st);
	char buf[64] = {0};
	pread(fd, buf, 40, 0);
	printf("%s: size %lld, offset %lld, starts \"%.40s\"\n", what, (long long)st.st_size,
	       (long long)lseek(fd, 0, SEEK_CUR), buf);
}

static int make(const char *path, const char *text, size_t n)
{
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, text, n);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void sendfile_cases(void)
{
	int src = make("/tmp/sf_src", "0123456789abcdefghijklmnopqrstuvwxyz", 36);
	int dst = make("/tmp/sf_dst", "", 0);
	printf("sendfile 10 %s\n", res(sendfile(dst, src, NULL, 10)));
	show_file("src", src);
	show_file("dst", dst);
	off_t off = 20;
	printf("sendfile at 20, 100 %s, off %lld\n", res(sendfile(dst, src, &off, 100)),
	       (long long)off);
	show_file("src", src);
	show_file("dst", dst);
	off = 36;
	printf("sendfile at the end %ld\n", (long)sendfile(dst, src, &off, 5));
	off = 1000;
	printf("sendfile past the end %ld\n", (long)sendfile(dst, src, &off, 5));
	fflush(stdout);
	off = 0;
	printf("\nto stdout %ld\n", (long)sendfile(1, src, &off, 8));

	int p[2];
	pipe(p);
	off = 4;
	printf("to a pipe %ld\n", (long)sendfile(p[1], src, &off, 6));
	char buf[16] = {0};
	read(p[0], buf, sizeof buf - 1);
	printf("pipe holds \"%s\"\n", buf);

	/* a full non-blocking pipe: what fits, then EAGAIN */
	int big = make("/tmp/sf_big", data, sizeof data);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	off = 0;
	long n1 = sendfile(p[1], big, &off, sizeof data);
	printf("into an empty pipe: %s, off moved as much: %d\n",
	       n1 > 0 && n1 < (long)sizeof data ? "short" : "other", off == n1);
	printf("into the full pipe %s\n", res(sendfile(p[1], big, &off, 10)));

	/* a blocking sendfile fills a pipe once, as Linux's, rather than wait
	 * for a reader */
	int q[2];
	pipe(q);
	off = 0;
	printf("blocking, into an empty pipe, 200000 bytes: %s\n",
	       res_value(sendfile(q[1], big, &off, sizeof data)));
	close(q[0]);
	close(q[1]);
	int efd = eventfd(0, 0);
	printf("into an eventfd %s\n", res(sendfile(efd, src, NULL, 8)));
	close(efd);

	/* errors */
	printf("bad offset pointer %s\n", res(sendfile(dst, 999, (off_t *)8, 1)));
	printf("bad in_fd %s\n", res(sendfile(dst, 999, NULL, 1)));
	int wo = open("/tmp/sf_src", O_WRONLY);
	printf("in_fd write-only %s\n", res(sendfile(dst, wo, NULL, 1)));
	printf("in_fd a pipe, with offset %s\n", res(sendfile(dst, p[0], &off, 1)));
	printf("in_fd a pipe %s\n", res(sendfile(dst, p[0], NULL, 1)));
	printf("bad out_fd %s\n", res(sendfile(999, src, NULL, 1)));
	int ro = open("/tmp/sf_dst", O_RDONLY);
	printf("out_fd read-only %s\n", res(sendfile(ro, src, NULL, 1)));
	close(ro);
	int app = open("/tmp/sf_dst", O_WRONLY | O_APPEND);
	printf("out_fd O_APPEND %s\n", res(sendfile(app, src, NULL, 1)));
	off = -1;
	printf("negative offset %s\n", res(sendfile(dst, src, &off, 1)));
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	printf("in_fd a directory %s\n", res(sendfile(dst, dir, NULL, 1)));
	printf("count 0 %ld\n", (long)sendfile(dst, src, NULL, 0));
	close(dir);
	close(app);
	close(wo);
	close(big);
	close(p[0]);
	close(p[1]);
	close(src);
	close(dst);
}

static void copy_range_cases(void)
{
	int a = make("/tmp/cr_a", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26);
	int b = make("/tmp/cr_b", "..........", 10);
	printf("copy 5 %s\n", res(copy_file_range(a, NULL, b, NULL, 5, 0)));
	show_file("a", a);
	show_file("b", b);
	loff_t ia = 20, ib = 30;
	printf("copy at 20 to 30, 100 %s, offsets %lld %lld\n",
	       res(copy_file_range(a, &ia, b, &ib, 100, 0)), (long long)ia, (long long)ib);
	show_file("b", b);
	ia = 26;
	printf("copy at the end %ld\n", (long)copy_file_range(a, &ia, b, NULL, 5, 0));
	loff_t x = 0, y = 10;
	printf("within one file %s\n", res(copy_file_range(a, &x, a, &y, 5, 0)));
	show_file("a", a);
	x = 0, y = 3;
	printf("overlapping %s\n", res(copy_file_range(a, &x, a, &y, 5, 0)));
	x = 0, y = 100;
	printf("past the source's end, no overlap %s\n", res(copy_file_range(a, &x, a, &y, 5, 0)));
	x = 100, y = 0;
	printf("from past the end onto itself %ld\n", (long)copy_file_range(a, &x, a, &y, 5, 0));

	int p[2];
	pipe(p);
	printf("flags %s\n", res(copy_file_range(a, NULL, b, NULL, 1, 1)));
	printf("bad fd_in %s\n", res(copy_file_range(999, NULL, b, NULL, 1, 0)));
	printf("bad fd_out %s\n", res(copy_file_range(a, NULL, 999, NULL, 1, 0)));
	printf("bad offset %s\n", res(copy_file_range(a, (loff_t *)8, b, NULL, 1, 0)));
	printf("to a pipe %s\n", res(copy_file_range(a, NULL, p[1], NULL, 1, 0)));
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	printf("from a directory %s\n", res(copy_file_range(dir, NULL, b, NULL, 1, 0)));
	int ro = open("/tmp/cr_b", O_RDONLY), app = open("/tmp/cr_b", O_WRONLY | O_APPEND);
	printf("to a read-only fd %s\n", res(copy_file_range(a, NULL, ro, NULL, 1, 0)));
	printf("to O_APPEND %s\n", res(copy_file_range(a, NULL, app, NULL, 1, 0)));
	x = -1;
	printf("negative offset %s\n", res(copy_file_range(a, &x, b, NULL, 1, 0)));
	printf("length 0 %ld\n", (long)copy_file_range(a, NULL, b, NULL, 0, 0));
	close(ro);
	close(app);
	close(dir);
	close(p[0]);
	close(p[1]);
	close(a);
	close(b);
}

int main(void)
{
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	sendfile_cases();
	copy_range_cases();
	return 0;
}
