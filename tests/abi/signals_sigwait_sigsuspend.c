/* sigtimedwait, sigwaitinfo, sigwait and sigsuspend (they returned ENOSYS):
 * a pending signal taken, a timeout (EAGAIN), another signal interrupting
 * the wait (EINTR), sigsuspend's temporary mask and its return, and the
 * errors. Times are printed as whether they fall within bounds. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static volatile int alrm, usr1_blocked_in_handler;

static void handler(int sig)
{
	sigset_t now;

	alrm++;
	sigprocmask(SIG_BLOCK, NULL, &now);
	usr1_blocked_in_handler = sigismember(&now, SIGUSR1);
	(void)sig;
}

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void alarm_in(long us)
{
	struct itimerval v = {{0, 0}, {0, us}};
	setitimer(ITIMER_REAL, &v, NULL);
}

int main(void)
{
	sigset_t usr, none, cur;
	siginfo_t si;
	struct timespec zero = {0, 0}, t50 = {0, 50000000};

	signal(SIGALRM, handler);
	sigemptyset(&none);
	sigemptyset(&usr);
	sigaddset(&usr, SIGUSR1);
	sigaddset(&usr, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr, NULL);

	printf("nothing pending, no wait: %s\n", res(sigtimedwait(&usr, &si, &zero)));
	double t0 = now();
	long r = sigtimedwait(&usr, &si, &t50);
	printf("nothing pending, 50 ms: %s, after 45 ms to 2 s: %s\n", res(r),
	       yes(now() - t0 > 0.045 && now() - t0 < 2));

	raise(SIGUSR2);
	raise(SIGUSR1);
	r = sigwaitinfo(&usr, &si);
	printf("sigwaitinfo: %s, si_signo matches: %s, SI_TKILL: %s\n",
	       r == SIGUSR1 ? "SIGUSR1" : "?", yes(si.si_signo == r), yes(si.si_code == SI_TKILL));
	int sig = 0;
	printf("sigwait: %s %s\n", res(sigwait(&usr, &sig) == 0 ? 0 : -1),
	       sig == SIGUSR2 ? "SIGUSR2" : "?");
	sigpending(&cur);
	printf("nothing left pending: %s\n",
	       yes(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2)));

	/* A handled SIGALRM (not waited for) ends the wait with EINTR. */
	alarm_in(30000);
	r = sigtimedwait(&usr, &si, NULL);
	printf("interrupted by a timer's signal: %s, handler ran: %s\n", res(r), yes(alrm == 1));

	/* sigsuspend: SIGALRM blocked outside, allowed only while suspended. */
	sigset_t alrm_set;
	sigemptyset(&alrm_set);
	sigaddset(&alrm_set, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm_set, NULL);
	alrm = 0;
	alarm_in(30000);
	t0 = now();
	r = sigsuspend(&none);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf(
	    "sigsuspend: %s, handler ran: %s, after 25 ms: %s, SIGUSR1 blocked in the handler: %s, "
	    "mask back: %s\n",
	    res(r), yes(alrm == 1), yes(now() - t0 > 0.025), yes(usr1_blocked_in_handler),
	    yes(sigismember(&cur, SIGALRM) && sigismember(&cur, SIGUSR1)));

	/* A signal already pending ends it at once. */
	raise(SIGALRM);
	r = sigsuspend(&none);
	printf("sigsuspend with one pending: %s, handler ran: %s\n", res(r), yes(alrm == 2));

	printf("bad timeout: %s\n",
	       res(sigtimedwait(&usr, &si, &(struct timespec){0, 1000000000})));
	printf("negative timeout: %s\n", res(sigtimedwait(&usr, &si, &(struct timespec){-1, 0})));
	printf("bad set pointer: %s\n", res(syscall(SYS_rt_sigtimedwait, 16, &si, &zero, 8)));
	printf("set size 4: %s\n", res(syscall(SYS_rt_sigtimedwait, &usr, &si, &zero, 4)));
	printf("sigsuspend set size 4: %s\n", res(syscall(SYS_rt_sigsuspend, &none, 4)));
	printf("sigsuspend bad mask pointer: %s\n", res(syscall(SYS_rt_sigsuspend, 16, 8)));
	return 0;
}
