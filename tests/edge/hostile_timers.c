/* Timers and queued signals a program can abuse: a period of centuries
 * (it must not wrap round and fire on every tick), huge values read back,
 * and a flood of kill() of a blocked real-time signal past
 * RLIMIT_SIGPENDING. (A 1 ns period is left out: Linux itself livelocks.) */
#include "edge.h"
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile long hits;
static void count(int sig)
{
	(void)sig, hits++;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	struct itimerspec its, cur;
	timer_t t;

	signal(SIGUSR1, count);
	timer_create(CLOCK_MONOTONIC, &ev, &t);

	/* First expiry in 1 ms, then once in centuries. */
	its = (struct itimerspec){{INT64_MAX / 1000000000 / 4, 0}, {0, 1000000}};
	edge_check("settime huge period", timer_settime(t, 0, &its, NULL) == 0, "failed");
	double t0 = now();
	while (!hits && now() - t0 < 5)
		;
	hits = 0;
	struct timespec nap = {0, 100000000};
	nanosleep(&nap, NULL);
	timer_gettime(t, &cur);
	edge_check("huge period fires once", hits == 0, "%ld more signals", hits);
	edge_check("huge period remains", cur.it_value.tv_sec > 1000000000, "%ld s left",
		   (long)cur.it_value.tv_sec);

	/* Huge values read back as huge, and never fire. */
	its = (struct itimerspec){{0, 0}, {INT64_MAX / 1000000000 / 4, 0}};
	timer_settime(t, TIMER_ABSTIME, &its, NULL);
	timer_gettime(t, &cur);
	edge_check("absolute in centuries", cur.it_value.tv_sec > 1000000000, "%ld s left",
		   (long)cur.it_value.tv_sec);
	struct itimerval iv = {{0, 0}, {INT32_MAX, 0}}, got;
	setitimer(ITIMER_REAL, &iv, NULL);
	getitimer(ITIMER_REAL, &got);
	edge_check("setitimer huge", got.it_value.tv_sec > 1000000, "%ld s left",
		   (long)got.it_value.tv_sec);
	iv = (struct itimerval){{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &iv, NULL);
	timer_delete(t);

	/* kill() of a blocked real-time signal past the limit. */
	struct rlimit lim = {50, 50};
	setrlimit(RLIMIT_SIGPENDING, &lim);
	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	signal(SIGRTMIN, count);
	sigprocmask(SIG_BLOCK, &rt, NULL);
	int ok = 0;
	for (int i = 0; i < 2000; i++)
		ok += kill(getpid(), SIGRTMIN) == 0;
	edge_check("kill past the limit succeeds", ok == 2000, "%d of 2000", ok);
	EXPECT_ERRNO("sigqueue past the limit", sigqueue(getpid(), SIGRTMIN, (union sigval){0}),
		     EAGAIN);
	hits = 0;
	sigprocmask(SIG_UNBLOCK, &rt, NULL);
	/* Linux queues up to the limit (counting the user's signals pending
	 * anywhere, so a few fewer) and loses the rest. */
	edge_check("kills queued up to the limit", hits >= 40 && hits <= 50, "%ld", hits);
	edge_exit();
}
