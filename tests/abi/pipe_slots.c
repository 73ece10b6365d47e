/* A pipe is Linux's ring of page-sized slots: the counts of non-blocking
 * writes that fill it (a write's leftover past whole pages appended to the
 * last slot first, if it fits there), writes of at most a page that go in
 * whole or not at all, POLLOUT only with a free slot, F_GETPIPE_SZ and
 * F_SETPIPE_SZ (rounded to a power of two pages, EBUSY below what is in
 * use), FIONREAD, a zero-length write with no reader, a blocking write
 * larger than the pipe that returns only when all is in, records of a page
 * from four threads never mixed, and a signal ending a blocked write with
 * the count written. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include "result_name.h"

static char big[300000];

static int in_pipe(int fd)
{
	int n = -1;
	ioctl(fd, FIONREAD, &n);
	return n;
}

static int writable_now(int fd)
{
	struct pollfd p = {fd, POLLOUT, 0};
	poll(&p, 1, 0);
	return !!(p.revents & POLLOUT);
}

static void drain(int fd)
{
	char buf[4096];
	while (read(fd, buf, sizeof buf) > 0)
		;
}

static void nonblocking_counts(void)
{
	int p[2];
	pipe2(p, O_NONBLOCK);
	printf("size: %s\n", res_value(fcntl(p[0], F_GETPIPE_SZ)));
	printf("100000 into an empty pipe: %s\n", res_value(write(p[1], big, 100000)));
	printf("one more byte: %s, POLLOUT %d, FIONREAD %d\n", res_value(write(p[1], big, 1)),
	       writable_now(p[1]), in_pipe(p[0]));
	drain(p[0]);

	for (int i = 0; i < 16; i++)
		write(p[1], big, 4096);
	char c[4096];
	read(p[0], c, 1);
	printf("16 pages, 1 read: POLLOUT %d, 1 byte: %s\n", writable_now(p[1]),
	       res_value(write(p[1], big, 1)));
	read(p[0], c, 4095);
	printf("a slot read empty: POLLOUT %d, 1 byte: %s\n", writable_now(p[1]),
	       res_value(write(p[1], big, 1)));
	drain(p[0]);

	write(p[1], big, 100);
	printf("70000 after 100: %s\n", res_value(write(p[1], big, 70000)));
	drain(p[0]);

	write(p[1], big, 100);
	printf("5000 after 100: %s, FIONREAD %d\n", res_value(write(p[1], big, 5000)),
	       in_pipe(p[0]));
	drain(p[0]);

	for (int i = 0; i < 100; i++)
		write(p[1], "x", 1);
	printf("100 single bytes share a slot: FIONREAD %d, then %s\n", in_pipe(p[0]),
	       res_value(write(p[1], big, 100000)));
	drain(p[0]);

	/* 15 slots full and 4000 bytes in the last: 200 bytes do not fit
	 * there and there is no free slot, so nothing is written */
	for (int i = 0; i < 15; i++)
		write(p[1], big, 4096);
	write(p[1], big, 4000);
	printf("200 bytes with 96 left in the last slot: %s\n", res_value(write(p[1], big, 200)));
	printf("96 bytes: %s\n", res_value(write(p[1], big, 96)));
	close(p[0]);
	close(p[1]);
}

static void sizes(void)
{
	int p[2];
	pipe(p);
	printf("set 0: %s\n", res_value(fcntl(p[1], F_SETPIPE_SZ, 0)));
	printf("set 5000: %s\n", res_value(fcntl(p[0], F_SETPIPE_SZ, 5000)));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	printf("3 pages into 2 slots: %s", res_value(write(p[1], big, 4096)));
	printf(" %s", res_value(write(p[1], big, 4096)));
	printf(" %s\n", res_value(write(p[1], big, 4096)));
	printf("set 4096 with 2 in use: %s\n", res_value(fcntl(p[1], F_SETPIPE_SZ, 4096)));
	printf("set 2^31 + 1: %s\n", res_value(fcntl(p[1], F_SETPIPE_SZ, (1u << 31) + 1)));
	printf("set 1 MiB: %s, get %s\n", res_value(fcntl(p[1], F_SETPIPE_SZ, 1 << 20)),
	       res_value(fcntl(p[0], F_GETPIPE_SZ)));
	char c[8192];
	printf("kept across: %s bytes,", res_value(read(p[0], c, sizeof c)));
	printf(" then 300000 in: %s\n", res_value(write(p[1], big, 300000)));
	printf("set 65536 with 74 in use: %s\n", res_value(fcntl(p[1], F_SETPIPE_SZ, 65536)));
	drain(p[0]);
	printf("set 65537 empty: %s\n", res_value(fcntl(p[1], F_SETPIPE_SZ, 65537)));
	int fd = open("/proc/self/exe", O_RDONLY);
	printf("a file: %s %s\n", res_value(fcntl(fd, F_GETPIPE_SZ)),
	       res_value(fcntl(fd, F_SETPIPE_SZ, 4096)));
	close(fd);
	close(p[0]);
	close(p[1]);
}

static volatile int pipes_signalled;
static void on_signal(int s)
{
	pipes_signalled = s;
}

static void no_reader(void)
{
	int p[2];
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, on_signal);
	printf("0 bytes, no reader: %s, SIGPIPE %d\n", res_value(write(p[1], big, 0)),
	       pipes_signalled == SIGPIPE);
	printf("1 byte, no reader: %s, SIGPIPE %d\n", res_value(write(p[1], big, 1)),
	       pipes_signalled == SIGPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
}

static int rfd;

static void *slow_reader(void *arg)
{
	static char buf[300000];
	long got = 0, n;
	usleep(50000);
	while ((n = read(rfd, buf + got, 1000)) > 0)
		got += n;
	*(long *)arg = got;
	return NULL;
}

static void blocking_write(void)
{
	int p[2];
	pthread_t t;
	long got = 0;

	pipe(p);
	rfd = p[0];
	for (int i = 0; i < (int)sizeof big; i++)
		big[i] = (char)(i * 7);
	pthread_create(&t, NULL, slow_reader, &got);
	long n = write(p[1], big, sizeof big);
	close(p[1]);
	pthread_join(t, NULL);
	printf("one blocking write of %zu: %s, the reader got %ld\n", sizeof big, res_value(n),
	       got);
	close(p[0]);
}

static int wfd;

static void *page_writer(void *arg)
{
	char rec[4096];
	memset(rec, *(char *)arg, sizeof rec);
	for (int i = 0; i < 200; i++)
		write(wfd, rec, sizeof rec);
	return NULL;
}

static void atomic_pages(void)
{
	int p[2];
	pthread_t t[4];
	char ids[4] = {'a', 'b', 'c', 'd'}, rec[4096];
	long records = 0, mixed = 0;

	pipe(p);
	wfd = p[1];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, page_writer, &ids[i]);
	for (;;) {
		long n = 0, k;
		while (n < 4096 && (k = read(p[0], rec + n, 4096 - n)) > 0)
			n += k;
		if (n < 4096)
			break;
		records++;
		for (int i = 1; i < 4096; i++)
			mixed += rec[i] != rec[0];
		if (records == 800)
			break;
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("4 threads' page records: %ld read, %ld bytes out of place\n", records, mixed);
	close(p[0]);
	close(p[1]);
}

static void interrupted(int flags)
{
	int p[2];
	struct sigaction sa = {0};
	struct itimerval v = {{0, 0}, {0, 50000}};

	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
	pipe(p);
	setitimer(ITIMER_REAL, &v, NULL);
	long n = write(p[1], big, 100000); /* nobody reads: 65536 fit */
	printf("a write nobody drains, SIGALRM (%s): %s\n", flags ? "SA_RESTART" : "no SA_RESTART",
	       res_value(n));
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	nonblocking_counts();
	sizes();
	no_reader();
	blocking_write();
	atomic_pages();
	interrupted(0);
	interrupted(SA_RESTART);
	return 0;
}
