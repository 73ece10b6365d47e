/* eventfd was ENOSYS: a counter behind a descriptor, which event loops and
 * thread pools use to wake a thread from poll. Reads take the count (or 1
 * with EFD_SEMAPHORE), writes add to it, both wait (or EAGAIN) at the
 * ends, poll says which way it can go, and a thread blocked in a read, a
 * write or a poll is woken by another's write or read. Compared with
 * Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "result_name.h"

static int efd;
static volatile int started;
static volatile long got = -99;

static long take(int fd)
{
	uint64_t v;
	ssize_t n = read(fd, &v, sizeof v);
	return n == 8 ? (long)v : n < 0 ? -errno : -1000;
}

static long put(int fd, uint64_t v)
{
	return write(fd, &v, sizeof v) == 8 ? 0 : -errno;
}

static const char *result(long r)
{
	static char bufs[4][32];
	static int next;
	if (r >= 0) {
		char *buf = bufs[next++ % 4]; /* several in one printf */
		snprintf(buf, sizeof bufs[0], "%ld", r);
		return buf;
	}
	errno = (int)-r;
	return errno_name();
}

static void *reader(void *arg)
{
	started = 1;
	got = take(efd);
	return arg;
}

static void *writer(void *arg)
{
	started = 1;
	got = put(efd, 1);
	return arg;
}

static void *poller(void *arg)
{
	struct pollfd p = {efd, POLLIN, 0};
	started = 1;
	int n = poll(&p, 1, -1); /* without a deadline: only the write ends it */
	got = n == 1 && (p.revents & POLLIN) ? 1 : n;
	return arg;
}

static const char *events(int fd)
{
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	poll(&p, 1, 0);
	return (p.revents & POLLIN) && (p.revents & POLLOUT) ? "in, out"
	       : p.revents & POLLIN			      ? "in"
	       : p.revents & POLLOUT			      ? "out"
							      : "none";
}

static void wait_started(void)
{
	while (!started)
		usleep(1000);
	usleep(100000); /* asleep in the kernel by now */
}

int main(void)
{
	int fd = eventfd(3, 0);
	printf("eventfd(3): %s, close-on-exec %d\n", res(fd), fcntl(fd, F_GETFD));
	printf("read: %s\n", result(take(fd)));
	printf("poll at 0: %s\n", events(fd));
	put(fd, 5);
	put(fd, 7);
	printf("after writes of 5 and 7: poll %s, read %s\n", events(fd), result(take(fd)));
	int nb = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	printf("non-blocking read at 0: %s, close-on-exec %d\n", result(take(nb)),
	       fcntl(nb, F_GETFD));
	printf("a write of 2^64-1: %s\n", result(put(nb, ~0ull)));
	printf("a write to 2^64-2: %s, poll %s\n", result(put(nb, 0xfffffffffffffffeull)), events(nb));
	printf("one more: %s\n", result(put(nb, 1)));
	printf("a write of 0: %s\n", result(put(nb, 0)));
	take(nb);
	uint32_t small;
	printf("a read of 4 bytes: %s, a write of 4: %s\n", res(read(nb, &small, 4)),
	       res(write(nb, &small, 4)));
	printf("a write from an unmapped address: %s\n", res(write(nb, (void *)16, 8)));
	printf("lseek: %s, pread: %s\n", res(lseek(nb, 0, SEEK_SET)), res(pread(nb, &small, 8, 0)));
	int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	long a = take(sem), b = take(sem);
	printf("semaphore: %ld, %ld, then %s\n", a, b, result(take(sem)));
	printf("unknown flags: %s\n", res(eventfd(0, 0x100)));
	put(sem, 5);
	printf("a read to an unmapped address: %s, ", res(read(sem, (void *)16, 8)));
	printf("then %s\n", result(take(sem)));
	/* no second open of it, as /dev/stdin would be if it were fd 0 */
	int saved = dup(0);
	close(0);
	int zero = eventfd(1, 0);
	printf("eventfd as fd 0: %d, /dev/stdin opened: %s, ", zero, res(open("/dev/stdin", O_RDWR)));
	printf("read through fd 0: %s\n", result(take(zero)));
	close(zero);
	dup2(saved, 0);
	close(saved);

	efd = eventfd(0, 0);
	pthread_t t;
	pthread_create(&t, NULL, reader, NULL);
	wait_started();
	put(efd, 42);
	pthread_join(t, NULL);
	printf("a blocked read woken by a write: %s\n", result(got));

	started = 0;
	pthread_create(&t, NULL, poller, NULL);
	wait_started();
	put(efd, 1);
	pthread_join(t, NULL);
	printf("a poll woken by a write: %s\n", result(got));
	take(efd);

	started = 0;
	got = -99;
	put(efd, 0xfffffffffffffffeull);
	pthread_create(&t, NULL, writer, NULL);
	wait_started();
	long before = got;
	long taken = take(efd);
	pthread_join(t, NULL);
	printf("a blocked write (%s before the read of %s) done after it: %s, count then %s\n",
	       before == -99 ? "waiting" : "not waiting", taken == -2 ? "2^64-2" : "other", result(got),
	       result(take(efd)));
	return 0;
}
