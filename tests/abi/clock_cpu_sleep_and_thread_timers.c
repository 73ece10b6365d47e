/* CPU-time clocks in clock_nanosleep and timer_create, as Linux has them:
 * a thread cannot sleep on its own CPU clock (EINVAL; the raw system call
 * gives EOPNOTSUPP for CLOCK_THREAD_CPUTIME_ID), but may on the process's;
 * a timer on a thread's CPU clock counts that thread's time only, so one
 * on the idle main thread's clock has not expired while another thread
 * spins, and one on the spinning thread's clock has. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;

static double cpu_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *spin(void *arg)
{
	(void)arg;
	while (!stop)
		;
	return NULL;
}

static timer_t make_timer(clockid_t c, const char *what)
{
	struct sigevent ev = {.sigev_notify = SIGEV_NONE};
	struct itimerspec its = {.it_value = {0, 100000000}}; /* 100 ms of that clock */
	timer_t t;

	if (timer_create(c, &ev, &t) || timer_settime(t, 0, &its, NULL))
		printf("timer on %s: %s\n", what, strerror(errno));
	return t;
}

static const char *expired(timer_t t)
{
	struct itimerspec its;
	timer_gettime(t, &its);
	return its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0 ? "expired" : "not expired";
}

int main(void)
{
	struct timespec past = {0, 1};
	clockid_t mine, other;
	pthread_t t;

	pthread_getcpuclockid(pthread_self(), &mine);
	printf("clock_nanosleep(CLOCK_THREAD_CPUTIME_ID): %s\n",
	       strerror(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, TIMER_ABSTIME, &past, NULL)));
	long r = syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, TIMER_ABSTIME, &past, NULL);
	printf("raw clock_nanosleep(CLOCK_THREAD_CPUTIME_ID): %s\n", r ? strerror(errno) : "0");
	printf("clock_nanosleep(own thread's clock): %s\n",
	       strerror(clock_nanosleep(mine, TIMER_ABSTIME, &past, NULL)));
	printf("clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, past): %s\n",
	       strerror(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &past, NULL)));

	timer_t idle = make_timer(mine, "main thread's clock");
	timer_t proc = make_timer(CLOCK_PROCESS_CPUTIME_ID, "process clock");
	pthread_create(&t, NULL, spin, NULL);
	pthread_getcpuclockid(t, &other);
	timer_t busy = make_timer(other, "spinning thread's clock");
	double p0 = cpu_s(CLOCK_PROCESS_CPUTIME_ID);
	/* Until the process has used 300 ms more, on that CPU clock. */
	struct timespec d = {0, 300000000};
	int e = clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &d, NULL);
	double used = cpu_s(CLOCK_PROCESS_CPUTIME_ID) - p0;
	printf("slept on the process clock: %s, it advanced 300 ms or more: %s\n", e ? strerror(e) : "0",
	       used >= 0.3 ? "yes" : "no");
	printf("timer on the idle main thread's clock: %s\n", expired(idle));
	printf("timer on the spinning thread's clock: %s\n", expired(busy));
	printf("timer on the process clock: %s\n", expired(proc));
	stop = 1;
	pthread_join(t, NULL);
	return 0;
}
