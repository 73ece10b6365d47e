/* A timer's signal ends a blocking wait, as on Linux (no signal could
 * arrive during one before): nanosleep and clock_nanosleep with the time
 * left, pause, poll, select, futex waits and a read from an empty pipe end
 * with EINTR; with SA_RESTART the pipe read and the futex wait without a
 * timeout are restarted (the handler makes them succeed), while nanosleep
 * and poll still end with EINTR; ppoll and pselect let a signal through
 * only while they wait, with the mask they are given. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static volatile int alrm;
static int pipefd[2];
static uint32_t word;

static void handler(int sig)
{
	(void)sig;
	alrm++;
	write(pipefd[1], "x", 1);		      /* what the restarted read gets */
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST); /* the restarted futex wait sees it */
}

static void arm(int restart)
{
	struct sigaction sa;
	struct itimerval v = {{0, 0}, {0, 30000}};
	char drain[16];

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	struct pollfd p = {pipefd[0], POLLIN, 0};
	while (poll(&p, 1, 0) == 1) /* empty again */
		read(pipefd[0], drain, sizeof drain);
	word = 0;
	alrm = 0;
	setitimer(ITIMER_REAL, &v, NULL);
}

static void show(const char *what, long r)
{
	printf("%-40s %s, handler ran: %s\n", what, res(r), alrm == 1 ? "yes" : "no");
}

static long futex_wait(const struct timespec *t)
{
	return syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, t, NULL, 0);
}

int main(void)
{
	struct timespec ten = {10, 0}, left = {0, 0};
	struct pollfd pfd;
	fd_set rd;
	char c = 0;

	pipe(pipefd);
	setvbuf(stdout, NULL, _IONBF, 0);

	for (int restart = 0; restart <= 1; restart++) {
		printf("-- %s\n", restart ? "SA_RESTART" : "no SA_RESTART");
		arm(restart);
		long r = nanosleep(&ten, &left);
		show("nanosleep 10 s:", r);
		printf("  time left 9 to 10 s: %s\n",
		       left.tv_sec >= 9 && left.tv_sec < 10 ? "yes" : "no");
		arm(restart);
		int e = clock_nanosleep(CLOCK_MONOTONIC, 0, &ten, &left);
		errno = e;
		show("clock_nanosleep 10 s:", e ? -1 : 0);
		arm(restart);
		show("pause:", pause());
		arm(restart);
		pfd = (struct pollfd){pipefd[0], POLLIN, 0};
		r = poll(&pfd, 1, -1);
		show("poll on an empty pipe, no timeout:", r);
		arm(restart);
		pfd = (struct pollfd){pipefd[0], POLLIN, 0};
		r = poll(&pfd, 1, 10000);
		show("poll on an empty pipe, 10 s:", r);
		arm(restart);
		FD_ZERO(&rd);
		r = select(0, NULL, NULL, NULL, &(struct timeval){10, 0});
		show("select with no descriptors, 10 s:", r);
		arm(restart);
		r = futex_wait(&ten);
		show("futex wait, 10 s:", r);
		arm(restart);
		r = futex_wait(NULL);
		show("futex wait, no timeout:", r);
		arm(restart);
		r = read(pipefd[0], &c, 1);
		show("read from an empty pipe:", r);
		printf("  read the handler's byte: %s\n", r == 1 && c == 'x' ? "yes" : "no");
	}

	/* ppoll and pselect wait with their own mask: SIGALRM, blocked
	 * outside, gets through only while they wait. */
	sigset_t alrm_set, empty, now;
	sigemptyset(&empty);
	sigemptyset(&alrm_set);
	sigaddset(&alrm_set, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm_set, NULL);
	arm(0);
	pfd = (struct pollfd){pipefd[0], POLLIN, 0};
	show("ppoll, SIGALRM allowed only inside:", ppoll(&pfd, 1, NULL, &empty));
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("  SIGALRM blocked again: %s\n", sigismember(&now, SIGALRM) ? "yes" : "no");
	arm(0);
	struct timespec ten_ts = {10, 0};
	show("pselect, SIGALRM allowed only inside:",
	     pselect(0, NULL, NULL, NULL, &ten_ts, &empty));
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("  SIGALRM blocked again: %s\n", sigismember(&now, SIGALRM) ? "yes" : "no");
	arm(0);
	pfd = (struct pollfd){pipefd[0], POLLIN, 0};
	long r = ppoll(&pfd, 1, &(struct timespec){0, 100000000}, &alrm_set);
	printf("ppoll with SIGALRM blocked inside too: %s, handler ran: %s\n", res(r),
	       alrm ? "yes" : "no");
	sigprocmask(SIG_UNBLOCK, &alrm_set, NULL);
	printf("  delivered once unblocked: %s\n", alrm == 1 ? "yes" : "no");
	return 0;
}
