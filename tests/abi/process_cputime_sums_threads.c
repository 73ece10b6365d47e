/* The process's CPU time was wall time less CPU 0's idle time: with two
 * threads busy at once on two CPUs it counted about one of them, and an
 * other thread's clock (pthread_getcpuclockid) could not be read. Now:
 * the process's time is the sum of its threads' (exited ones included),
 * RUSAGE_THREAD is the caller's own, another thread's clock reads its
 * time, and RLIMIT_CPU counts every thread. Printed as verdicts. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t c)
{
	struct timespec t;
	if (clock_gettime(c, &t))
		return -1;
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

static double rusage_s(int who)
{
	struct rusage r;
	getrusage(who, &r);
	return tv_s(r.ru_utime) + tv_s(r.ru_stime);
}

static const char *yes(int c) { return c ? "yes" : "no"; }

static volatile int stop;
static double spun[2], thread_rusage[2];

/* Spin until this thread has used `secs` of CPU time (or until stop). */
static void spin(double secs)
{
	double t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	while (!stop && clock_s(CLOCK_THREAD_CPUTIME_ID) - t0 < secs)
		;
}

static void *busy(void *arg)
{
	long i = (long)arg;
	double t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	spin(0.3);
	spun[i] = clock_s(CLOCK_THREAD_CPUTIME_ID) - t0;
	thread_rusage[i] = rusage_s(RUSAGE_THREAD);
	return NULL;
}

static void *forever(void *arg)
{
	(void)arg;
	while (!stop)
		;
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	while (!stop)
		usleep(10000);
	return NULL;
}

static void two_busy_threads(void)
{
	pthread_t t[2];
	double p0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), s0 = rusage_s(RUSAGE_SELF);
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, busy, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	double process = clock_s(CLOCK_PROCESS_CPUTIME_ID) - p0, self = rusage_s(RUSAGE_SELF) - s0;
	double one = spun[0] > spun[1] ? spun[0] : spun[1];
	printf("each thread spun 300 ms to 1 s: %s\n",
	       yes(spun[0] >= 0.3 && spun[1] >= 0.3 && one < 1.0));
	printf("process CPU time at least 1.6 times one thread's (exited threads count): %s\n",
	       yes(process >= 1.6 * one));
	printf("process CPU time at most the two threads' and 200 ms: %s\n",
	       yes(process <= spun[0] + spun[1] + 0.2));
	printf("RUSAGE_SELF agrees (at least 1.6 times): %s\n", yes(self >= 1.6 * one - 0.02));
	printf("RUSAGE_THREAD in a busy thread is its own time: %s\n",
	       yes(thread_rusage[0] >= 0.28 && thread_rusage[0] < spun[0] + spun[1] - 0.1));
	printf("RUSAGE_THREAD of the idle main thread is under a quarter of RUSAGE_SELF: %s\n",
	       yes(rusage_s(RUSAGE_THREAD) < rusage_s(RUSAGE_SELF) / 4));
}

static void other_threads_clocks(void)
{
	pthread_t b, s;
	clockid_t cb = 0, cs = 0;
	stop = 0;
	pthread_create(&b, NULL, forever, NULL);
	pthread_create(&s, NULL, sleeper, NULL);
	printf("pthread_getcpuclockid of other threads: %s\n",
	       yes(!pthread_getcpuclockid(b, &cb) && !pthread_getcpuclockid(s, &cs)));
	usleep(100000);
	double b1 = clock_s(cb), s1 = clock_s(cs);
	usleep(200000);
	double b2 = clock_s(cb), s2 = clock_s(cs), proc = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	printf("a busy thread's clock reads and grows: %s\n", yes(b1 > 0 && b2 > b1 + 0.02));
	printf("and stays within the process's: %s\n", yes(b2 <= proc));
	printf("a sleeping thread's clock is small: %s\n", yes(s1 >= 0 && s2 >= s1 && s2 < 0.1));
	struct timespec res;
	printf("clock_getres of a thread's clock: %s\n", yes(!clock_getres(cb, &res) && res.tv_nsec > 0));
	stop = 1;
	pthread_join(b, NULL);
	pthread_join(s, NULL);
	printf("an exited thread's clock: %s\n",
	       clock_s(cb) < 0 && errno == EINVAL ? "EINVAL" : "readable");
	clockid_t bogus = (clockid_t)(~(gettid() + 77777) << 3 | 6);
	printf("a clock of no thread of ours: %s\n", clock_s(bogus) < 0 && errno == EINVAL ? "EINVAL" : "readable");
}

static volatile sig_atomic_t xcpu;
static void on_xcpu(int sig)
{
	(void)sig;
	xcpu = 1;
	stop = 1;
}

/* The soft limit a second past the time used so far: SIGXCPU comes once
 * the two spinners have used it between them (about half a second apart
 * on two CPUs), and the limit moves up by a second, as Linux does. */
static void cpu_limit(void)
{
	pthread_t t[2];
	double p0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
	struct rlimit lim = {(rlim_t)p0 + 1, RLIM_INFINITY};
	rlim_t soft = lim.rlim_cur;
	stop = 0;
	signal(SIGXCPU, on_xcpu);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, forever, NULL);
	setrlimit(RLIMIT_CPU, &lim);
	while (!stop && clock_s(CLOCK_MONOTONIC) - w0 < 20)
		usleep(10000);
	double waited = clock_s(CLOCK_MONOTONIC) - w0;
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	double used = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	printf("RLIMIT_CPU, two spinning threads: SIGXCPU %s, within 10 s: %s\n", yes(xcpu),
	       yes(waited < 10));
	printf("once the limit was used (CPU time from 0.1 s below it to 2 s above): %s\n",
	       yes(used > (double)soft - 0.1 && used < (double)soft + 2));
	getrlimit(RLIMIT_CPU, &lim);
	printf("the soft limit moved up by a second: %s\n", yes(lim.rlim_cur == soft + 1));
}

int main(void)
{
	two_busy_threads();
	other_threads_clocks();
	cpu_limit();
	return 0;
}
