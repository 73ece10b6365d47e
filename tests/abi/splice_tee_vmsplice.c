/* splice, tee and vmsplice, against Linux: a file into a pipe (with and
 * without an offset, a slot per page of the file, at its end), a pipe into
 * a file, /dev/null and a socket, a socket into a pipe, pipe to pipe, tee
 * leaving its input as it was, vmsplice both ways (its slots take no
 * appending writes), each call's argument checks in Linux's order, the
 * non-blocking forms, EPIPE, and a splice that waits for another thread's
 * write. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "result_name.h"

#define FILE_PATH "/tmp/splice_tee_vmsplice.dat"

static char data[200000];

static int in_pipe(int fd)
{
	int n = -1;
	ioctl(fd, FIONREAD, &n);
	return n;
}

static void drain(int fd)
{
	char buf[4096];
	int was = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, was | O_NONBLOCK);
	while (read(fd, buf, sizeof buf) > 0)
		;
	fcntl(fd, F_SETFL, was);
}

/* Whether the next n bytes of the pipe are data[from, from + n). */
static int holds(int fd, long from, long n)
{
	static char buf[200000];
	long got = 0, k;
	while (got < n && (k = read(fd, buf + got, n - got)) > 0)
		got += k;
	return got == n && !memcmp(buf, data + from, n);
}

static void file_and_pipe(void)
{
	int p[2], fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	loff_t off = 0;

	write(fd, data, 100000);
	pipe(p);
	lseek(fd, 0, SEEK_SET);
	printf("file to pipe at 0, 5000: %s, offset %lld, position %lld\n",
	       res_value(splice(fd, &off, p[1], NULL, 5000, 0)), (long long)off,
	       (long long)lseek(fd, 0, SEEK_CUR));
	printf("  the bytes: %d\n", holds(p[0], 0, 5000));
	lseek(fd, 300, SEEK_SET);
	printf("file to pipe at its position 300, 1000: %s, position %lld, bytes %d\n",
	       res_value(splice(fd, NULL, p[1], NULL, 1000, 0)), (long long)lseek(fd, 0, SEEK_CUR),
	       holds(p[0], 300, 1000));
	off = 0;
	printf("100000 at 0 into an empty pipe: %s\n",
	       res_value(splice(fd, &off, p[1], NULL, 100000, 0)));
	drain(p[0]);
	off = 100;
	printf("100000 at 100: %s (a slot per page of the file)\n",
	       res_value(splice(fd, &off, p[1], NULL, 100000, 0)));
	drain(p[0]);
	off = 100;
	printf("sendfile of 100000 at 100 into an empty pipe: %s\n",
	       res_value(sendfile(p[1], fd, &off, 100000)));
	drain(p[0]);
	off = 99990;
	printf("at the end: %s, then %s\n", res_value(splice(fd, &off, p[1], NULL, 100, 0)),
	       res_value(splice(fd, &off, p[1], NULL, 100, 0)));
	drain(p[0]);

	write(p[1], "spliced!", 8);
	off = 50;
	printf("pipe to file at 50: %s, offset %lld, FIONREAD %d\n",
	       res_value(splice(p[0], NULL, fd, &off, 100, 0)), (long long)off, in_pipe(p[0]));
	char back[9] = {0};
	pread(fd, back, 8, 50);
	printf("  the file holds: %s\n", back);
	write(p[1], "tail", 4);
	lseek(fd, 0, SEEK_END);
	printf("pipe to file at its position: %s, position %lld\n",
	       res_value(splice(p[0], NULL, fd, NULL, 4, 0)), (long long)lseek(fd, 0, SEEK_CUR));
	write(p[1], data, 3000);
	printf("pipe to file, 1000 of 3000: %s, FIONREAD %d\n",
	       res_value(splice(p[0], NULL, fd, NULL, 1000, 0)), in_pipe(p[0]));
	int null = open("/dev/null", O_WRONLY);
	printf("pipe to /dev/null: %s, FIONREAD %d\n",
	       res_value(splice(p[0], NULL, null, NULL, 100000, 0)), in_pipe(p[0]));
	close(null);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void pipes(void)
{
	int a[2], b[2];
	pipe(a);
	pipe(b);
	write(a[1], data, 10000);
	printf("pipe to pipe, 3000 of 10000: %s, left %d, moved %d\n",
	       res_value(splice(a[0], NULL, b[1], NULL, 3000, 0)), in_pipe(a[0]), in_pipe(b[0]));
	printf("  the bytes: %d\n", holds(b[0], 0, 3000));
	printf("the rest: %s, bytes %d\n", res_value(splice(a[0], NULL, b[1], NULL, 100000, 0)),
	       holds(b[0], 3000, 7000));
	write(a[1], data, 5000);
	printf("tee 100000 of 5000: %s, input %d, output %d\n",
	       res_value(tee(a[0], b[1], 100000, 0)), in_pipe(a[0]), in_pipe(b[0]));
	printf("  both hold them: %d %d\n", holds(a[0], 0, 5000), holds(b[0], 0, 5000));
	/* a tee'd or moved-in-part slot takes no appending write */
	write(a[1], "x", 1);
	tee(a[0], b[1], 1, 0);
	fcntl(b[1], F_SETFL, O_NONBLOCK);
	printf("after a tee'd byte, 15 pages and a byte: %s\n",
	       res_value(write(b[1], data, 15 * 4096 + 1)));
	drain(a[0]);
	drain(b[0]);
	close(a[1]);
	printf("from an empty pipe with no writer: %s, tee %s\n",
	       res_value(splice(a[0], NULL, b[1], NULL, 10, 0)), res_value(tee(a[0], b[1], 10, 0)));
	close(a[0]);
	close(b[0]);
	close(b[1]);
}

static void sockets(void)
{
	int s[2], p[2];
	char buf[16] = {0};
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	pipe(p);
	send(s[0], "hello", 5, 0);
	printf("socket to pipe: %s, FIONREAD %d\n",
	       res_value(splice(s[1], NULL, p[1], NULL, 100, 0)), in_pipe(p[0]));
	printf("pipe to socket: %s\n", res_value(splice(p[0], NULL, s[0], NULL, 100, 0)));
	printf("  received: %s %s\n", res_value(recv(s[1], buf, sizeof buf, 0)), buf);
	loff_t off = 0;
	send(s[0], "sendfile", 8, 0);
	printf("sendfile from a socket into a pipe: %s, FIONREAD %d\n",
	       res_value(sendfile(p[1], s[1], NULL, 100)), in_pipe(p[0]));
	drain(p[0]);
	printf("socket with an offset: %s\n", res_value(splice(s[1], &off, p[1], NULL, 100, 0)));
	printf("empty socket, SPLICE_F_NONBLOCK: %s\n",
	       res_value(splice(s[1], NULL, p[1], NULL, 100, SPLICE_F_NONBLOCK)));
	close(s[0]);
	close(s[1]);
	close(p[0]);
	close(p[1]);
}

/* A splice that frees a slot of a pipe that was not full wakes its
 * writers' edge-triggered epolls (Linux's splice paths do); a read only
 * when the pipe was full. */
static void writers_woken(void)
{
	int p[2], null = open("/dev/null", O_WRONLY), ep = epoll_create1(0);
	struct epoll_event e = {.events = EPOLLOUT | EPOLLET};
	pipe(p);
	write(p[1], data, 4096);
	write(p[1], data, 10);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &e);
	int first = epoll_wait(ep, &e, 1, 0);
	splice(p[0], NULL, null, NULL, 4096, 0);
	int after_splice = epoll_wait(ep, &e, 1, 0);
	printf("EPOLLET writer: at first %d, after a splice freed a slot %d\n", first,
	       after_splice);
	close(ep);
	close(null);
	close(p[0]);
	close(p[1]);
}

static void vm(void)
{
	int p[2];
	char *page = aligned_alloc(4096, 3 * 4096), out[200] = {0};
	memcpy(page, data, 3 * 4096);
	struct iovec v = {page + 100, 10000}, two[2] = {{page, 10}, {page + 4000, 200}};

	pipe(p);
	printf("vmsplice 10000 at a page's 100: %s, FIONREAD %d\n",
	       res_value(vmsplice(p[1], &v, 1, 0)), in_pipe(p[0]));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	printf("then 13 pages and a byte (3 slots taken, none appendable): %s\n",
	       res_value(write(p[1], data, 13 * 4096 + 1)));
	drain(p[0]);
	printf("two parts: %s\n", res_value(vmsplice(p[1], two, 2, 0)));
	struct iovec o = {out, sizeof out};
	printf("out to memory: %s, bytes %d\n", res_value(vmsplice(p[0], &o, 1, 0)),
	       !memcmp(out, page, 10) && !memcmp(out + 10, page + 4000, 190));
	printf("the rest: %s\n", res_value(vmsplice(p[0], &o, 1, 0)));
	printf("empty, SPLICE_F_NONBLOCK: %s\n",
	       res_value(vmsplice(p[0], &o, 1, SPLICE_F_NONBLOCK)));
	printf("flags 0x10: %s\n", res_value(vmsplice(p[1], &v, 1, 0x10)));
	printf("no parts: %s\n", res_value(vmsplice(p[1], &v, 0, 0)));
	printf("1025 parts: %s\n", res_value(vmsplice(p[1], &v, 1025, 0)));
	struct iovec neg = {page, (size_t)-1};
	printf("a negative length: %s\n", res_value(vmsplice(p[1], &neg, 1, 0)));
	struct iovec kern = {(void *)0xffff800000000000ull, 10};
	printf("kernel memory: %s\n", res_value(vmsplice(p[1], &kern, 1, 0)));
	int fd = open(FILE_PATH, O_RDWR);
	printf("a file: %s, no parts %s\n", res_value(vmsplice(fd, &v, 1, 0)),
	       res_value(vmsplice(fd, &v, 0, 0)));
	int path = open(FILE_PATH, O_PATH);
	printf("O_PATH: %s\n", res_value(vmsplice(path, &v, 1, 0)));
	close(path);
	close(fd);
	close(p[0]);
	printf("no reader: %s\n", res_value(vmsplice(p[1], &v, 1, 0)));
	close(p[1]);
	free(page);
}

static void checks(void)
{
	int p[2], q[2], fd = open(FILE_PATH, O_RDWR), app = open(FILE_PATH, O_WRONLY | O_APPEND);
	loff_t off = 0, neg = -1;
	pipe(p);
	pipe(q);
	write(p[1], "abc", 3);
	printf("len 0, bad descriptors: %s\n", res_value(splice(-1, NULL, -1, NULL, 0, 0)));
	printf("flags 0x10: %s\n", res_value(splice(p[0], NULL, q[1], NULL, 1, 0x10)));
	printf("bad in: %s, bad out: %s\n", res_value(splice(99, NULL, q[1], NULL, 1, 0)),
	       res_value(splice(p[0], NULL, 99, NULL, 1, 0)));
	printf("offset for a pipe: %s %s\n", res_value(splice(p[0], &off, fd, NULL, 1, 0)),
	       res_value(splice(fd, NULL, p[1], &off, 1, 0)));
	printf("unreadable offset: %s\n", res_value(splice(p[0], NULL, fd, (loff_t *)8, 1, 0)));
	printf("from a write end: %s, into a read end: %s\n",
	       res_value(splice(p[1], NULL, q[1], NULL, 1, 0)),
	       res_value(splice(p[0], NULL, q[0], NULL, 1, 0)));
	printf("one pipe to itself: %s\n", res_value(splice(p[0], NULL, p[1], NULL, 1, 0)));
	printf("two files: %s\n", res_value(splice(fd, NULL, fd, NULL, 1, 0)));
	printf("O_APPEND out: %s\n", res_value(splice(p[0], NULL, app, NULL, 1, 0)));
	printf("negative out offset: %s\n", res_value(splice(p[0], NULL, fd, &neg, 1, 0)));
	printf("negative in offset: %s\n", res_value(splice(fd, &neg, q[1], NULL, 1, 0)));
	printf("length past SSIZE_MAX to a file: %s\n",
	       res_value(splice(p[0], NULL, fd, NULL, (size_t)-1, 0)));
	int efd = open("/proc/self/exe", O_RDONLY);
	int s[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	printf("out offset on a socket: %s\n", res_value(splice(p[0], NULL, s[0], &off, 1, 0)));
	close(s[0]);
	close(s[1]);
	close(efd);
	printf("tee flags 0x10, length 0: %s\n", res_value(tee(p[0], q[1], 0, 0x10)));
	printf("tee length 0, bad descriptors: %s\n", res_value(tee(-1, -1, 0, 0)));
	printf("tee a file: %s, to itself %s, from a write end %s\n",
	       res_value(tee(fd, q[1], 1, 0)), res_value(tee(p[0], p[1], 1, 0)),
	       res_value(tee(p[1], q[1], 1, 0)));
	drain(p[0]);
	printf("empty, SPLICE_F_NONBLOCK: %s, tee %s\n",
	       res_value(splice(p[0], NULL, q[1], NULL, 1, SPLICE_F_NONBLOCK)),
	       res_value(tee(p[0], q[1], 1, SPLICE_F_NONBLOCK)));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	printf("empty, O_NONBLOCK in: %s\n", res_value(splice(p[0], NULL, fd, NULL, 1, 0)));
	fcntl(q[1], F_SETFL, O_NONBLOCK);
	while (write(q[1], data, 4096) > 0)
		;
	off = 0;
	printf("into a full pipe, O_NONBLOCK: %s\n", res_value(splice(fd, &off, q[1], NULL, 1, 0)));
	close(q[0]);
	printf("into a pipe with no reader: %s\n", res_value(splice(fd, &off, q[1], NULL, 1, 0)));
	write(p[1], "z", 1);
	printf("pipe to a pipe with no reader: %s\n",
	       res_value(splice(p[0], NULL, q[1], NULL, 1, 0)));
	close(q[1]);
	close(p[0]);
	close(p[1]);
	close(fd);
	close(app);
}

static int late_fd;

static void *late_writer(void *arg)
{
	usleep(50000);
	write(late_fd, "late", 4);
	return arg;
}

static void waits(void)
{
	int p[2], fd = open(FILE_PATH, O_RDWR);
	pthread_t t;
	loff_t off = 0;
	pipe(p);
	late_fd = p[1];
	pthread_create(&t, NULL, late_writer, NULL);
	printf("waits for another thread's write: %s\n",
	       res_value(splice(p[0], NULL, fd, &off, 100, 0)));
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < (int)sizeof data; i++)
		data[i] = (char)(i * 13 + (i >> 8));
	file_and_pipe();
	pipes();
	sockets();
	writers_woken();
	vm();
	checks();
	waits();
	unlink(FILE_PATH);
	return 0;
}
