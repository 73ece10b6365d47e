/* timerfd was ENOSYS; event loops wait on timers with their other
 * descriptors. One-shot and periodic timers, relative and absolute on
 * both clocks, reads that wait or say EAGAIN, the count of expirations,
 * what gettime has left, disarming, poll and epoll waits that end at an
 * expiry, another thread's settime waking a reader, and Linux's errors.
 * Times are checked as ranges wide enough for a loaded machine. Compared
 * with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static long take(int fd)
{
	uint64_t v;
	ssize_t n = read(fd, &v, sizeof v);
	return n == 8 ? (long)v : n < 0 ? -errno : -1000;
}

static const char *result(long r)
{
	static char buf[4][32];
	static int next;
	if (r >= 0) {
		char *b = buf[next++ % 4];
		snprintf(b, sizeof buf[0], "%ld", r);
		return b;
	}
	errno = (int)-r;
	return errno_name();
}

static struct itimerspec ms(long value, long interval)
{
	return (struct itimerspec){{interval / 1000, interval % 1000 * 1000000},
				   {value / 1000, value % 1000 * 1000000}};
}

static void errors(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec v = ms(10, 0), bad = {{0, 0}, {0, 1000000000}}, cur;
	printf("create bad clock %s\n", res(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0)));
	printf("create bad flags %s\n", res(timerfd_create(CLOCK_MONOTONIC, 1)));
	printf("create boottime %s\n", res(timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC)));
	printf("settime bad flags %s\n", res(timerfd_settime(fd, 4, &v, NULL)));
	printf("settime bad value %s\n", res(timerfd_settime(fd, 0, &bad, NULL)));
	printf("settime bad pointer %s\n", res(timerfd_settime(fd, 0, (void *)8, NULL)));
	printf("settime bad fd %s\n", res(timerfd_settime(999, 0, &v, NULL)));
	printf("settime not a timerfd %s\n", res(timerfd_settime(1, 0, &v, NULL)));
	printf("settime bad value, bad fd %s\n", res(timerfd_settime(999, 0, &bad, NULL)));
	printf("gettime bad fd %s\n", res(timerfd_gettime(999, &cur)));
	printf("gettime not a timerfd %s\n", res(timerfd_gettime(0, &cur)));
	printf("gettime bad pointer %s\n", res(timerfd_gettime(fd, (void *)8)));
	char small[4];
	printf("read of 4 %s\n", res(read(fd, small, 4)));
	printf("write %s\n", res(write(fd, "12345678", 8)));
	close(fd);
}

static void expiries(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct itimerspec v = ms(40, 0), cur;
	printf("disarmed read %s\n", result(take(fd)));
	timerfd_gettime(fd, &cur);
	printf("disarmed gettime %ld %ld\n", (long)cur.it_value.tv_nsec,
	       (long)cur.it_interval.tv_sec);
	timerfd_settime(fd, 0, &v, NULL);
	timerfd_gettime(fd, &cur);
	printf("armed 40 ms, left 0-40 ms: %d\n", cur.it_value.tv_sec == 0 &&
						      cur.it_value.tv_nsec > 0 &&
						      cur.it_value.tv_nsec <= 40000000);
	printf("early read %s\n", result(take(fd)));
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	double t0 = now_ms();
	int n = poll(&pf, 1, 1000);
	double waited = now_ms() - t0;
	printf("poll until expiry: %d %#x, after 30-500 ms: %d\n", n, pf.revents,
	       waited >= 30 && waited < 500);
	printf("read %s, again %s\n", result(take(fd)), result(take(fd)));
	timerfd_gettime(fd, &cur);
	printf("spent gettime %ld\n", (long)cur.it_value.tv_nsec);

	/* periodic: 10 ms, and expirations add up while nobody reads */
	v = ms(10, 10);
	timerfd_settime(fd, 0, &v, NULL);
	usleep(55000);
	long k = take(fd);
	printf("periodic, 55 ms: 4 or more expirations counted at once: %d\n", k >= 4 && k <= 1000);
	timerfd_gettime(fd, &cur);
	printf("interval %ld ns\n", (long)cur.it_interval.tv_nsec);
	struct itimerspec old, off = ms(0, 0);
	timerfd_settime(fd, 0, &off, &old);
	printf("disarmed, old interval %ld ns, old value 0-10 ms: %d\n",
	       (long)old.it_interval.tv_nsec,
	       old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 10000000);
	usleep(20000);
	printf("read after disarming %s\n", result(take(fd)));

	/* settime takes back expirations not read */
	v = ms(1, 0);
	timerfd_settime(fd, 0, &v, NULL);
	usleep(5000);
	v = ms(500, 0);
	timerfd_settime(fd, 0, &v, NULL);
	printf("re-armed before reading %s\n", result(take(fd)));
	close(fd);

	/* absolute, both clocks; a time already past expires at once */
	int mono = timerfd_create(CLOCK_MONOTONIC, 0), real = timerfd_create(CLOCK_REALTIME, 0);
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += 20000000;
	if (t.tv_nsec >= 1000000000)
		t.tv_sec++, t.tv_nsec -= 1000000000;
	struct itimerspec a = {{0, 0}, t};
	timerfd_settime(mono, TFD_TIMER_ABSTIME, &a, NULL);
	t0 = now_ms();
	printf("absolute monotonic, blocking read %s", result(take(mono)));
	printf(", after 10-500 ms: %d\n", now_ms() - t0 >= 10 && now_ms() - t0 < 500);
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec -= 5;
	a.it_value = t;
	timerfd_settime(real, TFD_TIMER_ABSTIME, &a, NULL);
	printf("absolute realtime in the past %s\n", result(take(real)));
	close(mono);
	close(real);
}

static int shared_fd;

static void *arm_later(void *arg)
{
	usleep(30000);
	struct itimerspec v = ms(10, 0);
	timerfd_settime(shared_fd, 0, &v, NULL);
	return arg;
}

/* epoll waits for two timers at once; a reader blocked on a disarmed timer
 * is woken by another thread's settime. */
static void waits(void)
{
	int ep = epoll_create1(0), a = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK),
	    b = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct epoll_event e = {.events = EPOLLIN, .data.u64 = 1};
	epoll_ctl(ep, EPOLL_CTL_ADD, a, &e);
	e.data.u64 = 2;
	epoll_ctl(ep, EPOLL_CTL_ADD, b, &e);
	struct itimerspec va = ms(60, 0), vb = ms(20, 0);
	timerfd_settime(a, 0, &va, NULL);
	timerfd_settime(b, 0, &vb, NULL);
	struct epoll_event out[2];
	int n = epoll_wait(ep, out, 2, 2000);
	printf("epoll: %d, first data %llu\n", n, (unsigned long long)out[0].data.u64);
	take(b);
	n = epoll_wait(ep, out, 2, 2000);
	printf("epoll: %d, then data %llu\n", n, (unsigned long long)out[0].data.u64);
	close(a);
	close(b);
	close(ep);

	shared_fd = timerfd_create(CLOCK_MONOTONIC, 0);
	pthread_t t;
	pthread_create(&t, NULL, arm_later, NULL);
	printf("read woken after another thread armed it: %s\n", result(take(shared_fd)));
	pthread_join(t, NULL);
	close(shared_fd);
}

/* What a review found: edges of a timer read and re-armed in a loop,
 * an absolute wall-clock timer set in the past, a disarmed timer's
 * interval. */
static void review(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), ep = epoll_create1(0);
	struct epoll_event e = {.events = EPOLLIN | EPOLLET, .data.u64 = 1};
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
	struct itimerspec v = ms(10, 10);
	timerfd_settime(fd, 0, &v, NULL);
	for (int i = 0; i < 3; i++) {
		int n = epoll_wait(ep, &e, 1, 2000);
		long k = take(fd);
		printf("EPOLLET round %d: %d event, read some %d\n", i, n, k > 0);
		usleep(30000); /* the next expiry comes before the next wait */
	}
	v = ms(5, 0);
	timerfd_settime(fd, 0, &v, NULL);
	epoll_wait(ep, &e, 1, 2000);
	take(fd);
	timerfd_settime(fd, 0, &v, NULL);
	usleep(20000);
	printf("one-shot re-armed after a read, expired before the wait: %d\n",
	       epoll_wait(ep, &e, 1, 500));
	close(ep);
	close(fd);

	int real = timerfd_create(CLOCK_REALTIME, 0);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct itimerspec past = {{1, 0}, {now.tv_sec - 10, now.tv_nsec}};
	timerfd_settime(real, TFD_TIMER_ABSTIME, &past, NULL);
	long k = take(real);
	printf("wall clock, 10 s past, period 1 s: 10 or 11 expirations %d\n", k == 10 || k == 11);
	struct itimerspec off = {{5, 0}, {0, 0}}, cur;
	timerfd_settime(real, 0, &off, NULL);
	timerfd_gettime(real, &cur);
	printf("disarmed with an interval: interval %ld s, value %ld\n",
	       (long)cur.it_interval.tv_sec, (long)cur.it_value.tv_sec);
	close(real);
}

int main(void)
{
	review();
	errors();
	expiries();
	waits();
	return 0;
}
