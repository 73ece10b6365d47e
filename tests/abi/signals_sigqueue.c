/* sigqueue (rt_sigqueueinfo returned ENOSYS): si_value and SI_QUEUE reach
 * the handler and sigwaitinfo; real-time instances queue in order, lower
 * signals first; a standard signal sent twice while blocked arrives once,
 * with the first one's value; and the errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

static char log_[2048];
static volatile int n;

static void handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	n += snprintf(log_ + n, sizeof log_ - n, " %s%d:%d%s",
		      sig == SIGUSR1	? "USR1/"
		      : sig >= SIGRTMIN ? "RT"
					: "?",
		      sig >= SIGRTMIN ? sig - SIGRTMIN : 0, si->si_value.sival_int,
		      si->si_code == SI_QUEUE && si->si_pid == getpid() && si->si_uid == getuid()
			  ? ""
			  : "(bad info)");
}

static void flush(const char *what)
{
	printf("%s:%s\n", what, log_);
	n = 0;
	log_[0] = 0;
}

int main(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 2; s++)
		sigaction(s, &sa, NULL);

	sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 5});
	flush("unblocked, at once");

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (int s = SIGRTMIN; s <= SIGRTMIN + 2; s++)
		sigaddset(&set, s);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 1; i <= 3; i++)
		sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = i});
	for (int i = 10; i <= 11; i++)
		sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i});
	sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 20});
	sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 21});
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	flush("queued while blocked, then unblocked");

	/* sigwaitinfo takes them one at a time, in order. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigqueue(getpid(), SIGRTMIN + 2, (union sigval){.sival_int = 31});
	sigqueue(getpid(), SIGRTMIN + 2, (union sigval){.sival_int = 32});
	for (int i = 0; i < 2; i++) {
		siginfo_t si;
		int s = sigwaitinfo(&set, &si);
		printf("sigwaitinfo: RT%d value %d SI_QUEUE %s\n", s - SIGRTMIN,
		       si.si_value.sival_int, si.si_code == SI_QUEUE ? "yes" : "no");
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* rt_tgsigqueueinfo to our own thread. */
	siginfo_t info;
	memset(&info, 0, sizeof info);
	info.si_code = SI_QUEUE;
	info.si_pid = getpid();
	info.si_uid = getuid();
	info.si_value.sival_int = 77;
	printf("rt_tgsigqueueinfo: %s\n",
	       res(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGRTMIN, &info)));
	flush("delivered");

	/* RLIMIT_SIGPENDING bounds the queue. */
	struct rlimit lim = {100, 100};
	setrlimit(RLIMIT_SIGPENDING, &lim);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int queued = 0;
	while (queued < 1000 &&
	       sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = queued}) == 0)
		queued++;
	/* Linux counts the user's signals pending anywhere: a few may be elsewhere. */
	printf("queued up to the limit of 100: %s, then %s\n",
	       queued > 90 && queued <= 100 ? "yes" : "no", res(-1));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	char last[16];
	snprintf(last, sizeof last, " RT0:%d", queued - 1);
	printf("all delivered in order: %s\n",
	       !strncmp(log_, " RT0:0 RT0:1 ", 13) && strstr(log_, last) ? "yes" : "no");
	n = 0;
	log_[0] = 0;

	printf("signal 0: %s\n", res(sigqueue(getpid(), 0, (union sigval){0})));
	printf("signal 65: %s\n", res(sigqueue(getpid(), 65, (union sigval){0})));
	printf("signal -1: %s\n", res(sigqueue(getpid(), -1, (union sigval){0})));
	printf("another pid: %s\n", res(sigqueue(999999, SIGUSR1, (union sigval){0})));
	printf("pid 0: %s\n", res(syscall(SYS_rt_sigqueueinfo, 0, SIGUSR1, &info)));
	printf("bad info pointer: %s\n",
	       res(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, (void *)16)));
	printf("tg: another tid: %s\n",
	       res(syscall(SYS_rt_tgsigqueueinfo, getpid(), 999999, SIGUSR1, &info)));
	printf("tg: tid 0: %s\n", res(syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR1, &info)));
	flush("nothing more");
	return 0;
}
