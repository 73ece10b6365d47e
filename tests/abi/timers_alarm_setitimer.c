/* alarm, setitimer and getitimer (they returned ENOSYS): the values read
 * back, SIGALRM from ITIMER_REAL once and periodically, SIGVTALRM and
 * SIGPROF after CPU time (and not during a sleep), and the errors. Times
 * are printed as whether they fall within generous bounds. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int alrm, vtalrm, prof, code;

static void handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (sig == SIGALRM)
		alrm++;
	if (sig == SIGVTALRM)
		vtalrm++;
	if (sig == SIGPROF)
		prof++;
	code = si->si_code;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static const char *err(int r)
{
	return r == 0 ? "ok" : errno == EINVAL ? "EINVAL" : errno == EFAULT ? "EFAULT" : "other";
}

static struct itimerval itv(long vs, long vus, long is, long ius)
{
	struct itimerval v = {{is, ius}, {vs, vus}};
	return v;
}

int main(void)
{
	struct sigaction sa;
	struct itimerval v, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);

	printf("alarm(0) with none set: %u\n", alarm(0));
	alarm(10);
	printf("alarm(0) after alarm(10): %u\n", alarm(0));
	alarm(1);
	printf("alarm(5) after alarm(1): %u\n", alarm(5));
	alarm(0);

	v = itv(2, 0, 0, 500000);
	printf("setitimer: %s\n", err(setitimer(ITIMER_REAL, &v, NULL)));
	getitimer(ITIMER_REAL, &v);
	printf("getitimer: value within (1.9, 2] s: %s; interval %ld.%06ld\n",
	       yes(v.it_value.tv_sec * 1e6 + v.it_value.tv_usec > 1.9e6 &&
		   v.it_value.tv_sec * 1e6 + v.it_value.tv_usec <= 2e6),
	       (long)v.it_interval.tv_sec, (long)v.it_interval.tv_usec);
	v = itv(0, 0, 0, 0);
	setitimer(ITIMER_REAL, &v, &old);
	printf("disarmed; old value within (1.9, 2] s: %s, old interval %ld.%06ld\n",
	       yes(old.it_value.tv_sec * 1e6 + old.it_value.tv_usec > 1.9e6),
	       (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec);
	getitimer(ITIMER_REAL, &v);
	printf("getitimer when disarmed: %ld %ld %ld %ld\n", (long)v.it_value.tv_sec,
	       (long)v.it_value.tv_usec, (long)v.it_interval.tv_sec, (long)v.it_interval.tv_usec);

	/* One shot of 50 ms, waited for in a loop. */
	double t0 = now();
	v = itv(0, 50000, 0, 0);
	setitimer(ITIMER_REAL, &v, NULL);
	while (!alrm && now() - t0 < 5)
		;
	double dt = now() - t0;
	printf("ITIMER_REAL fired once: %s, si_code SI_KERNEL: %s, after 45 ms to 2 s: %s\n",
	       yes(alrm == 1), yes(code == SI_KERNEL), yes(dt > 0.045 && dt < 2));
	getitimer(ITIMER_REAL, &v);
	printf("getitimer after it fired: %ld %ld\n", (long)v.it_value.tv_sec,
	       (long)v.it_value.tv_usec);

	/* Periodic, 20 ms: pause() returns for each. */
	alrm = 0;
	t0 = now();
	v = itv(0, 20000, 0, 20000);
	setitimer(ITIMER_REAL, &v, NULL);
	int eintr = 0;
	for (int i = 0; i < 5; i++)
		eintr += pause() == -1 && errno == EINTR;
	dt = now() - t0;
	v = itv(0, 0, 0, 0);
	setitimer(ITIMER_REAL, &v, NULL);
	printf(
	    "periodic: 5 pauses ended with EINTR: %s, 5 or more signals: %s, in 90 ms to 2 s: %s\n",
	    yes(eintr == 5), yes(alrm >= 5), yes(dt > 0.09 && dt < 2));

	/* CPU-time timers do not run while the process sleeps (100 ms: an
	 * emulator's host may still charge it a little)... */
	v = itv(0, 100000, 0, 0);
	setitimer(ITIMER_VIRTUAL, &v, NULL);
	setitimer(ITIMER_PROF, &v, NULL);
	struct timespec nap = {0, 200000000};
	nanosleep(&nap, NULL);
	printf("CPU-time timers fired during a 200 ms sleep: %s\n", yes(vtalrm || prof));
	/* ...but do while it computes. */
	t0 = now();
	while ((!vtalrm || !prof) && now() - t0 < 10)
		;
	printf("ITIMER_VIRTUAL fired: %s, ITIMER_PROF fired: %s\n", yes(vtalrm == 1),
	       yes(prof == 1));

	errno = 0;
	v = itv(0, 1000000, 0, 0);
	printf("setitimer usec 1000000: %s\n", err(setitimer(ITIMER_REAL, &v, NULL)));
	v = itv(-1, 0, 0, 0);
	printf("setitimer negative: %s\n", err(setitimer(ITIMER_REAL, &v, NULL)));
	printf("setitimer which 7: %s\n", err(setitimer(7, &v, NULL)));
	printf("getitimer which 7: %s\n", err(getitimer(7, &v)));
	printf("getitimer bad pointer: %s\n", err(getitimer(ITIMER_REAL, (void *)16)));
	printf("setitimer bad pointer: %s\n", err(setitimer(ITIMER_REAL, (void *)16, NULL)));
	return 0;
}
