/* Signals sent to the process (kill, sigqueue) while every thread blocks
 * them are pending for the process, not for one thread: a worker in
 * sigwaitinfo and sigtimedwait takes them all, standard ones merged and
 * real-time ones queued in order with their values. They used to be queued
 * on the sending thread, where the worker never saw them. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static sigset_t set;
static volatile int stage;
static char lines[64][64];
static int logged;

static void take(int timed)
{
	struct timespec ten = {10, 0}, zero = {0, 0};
	siginfo_t si;
	int s = timed ? sigtimedwait(&set, &si, timed > 0 ? &ten : &zero) : sigwaitinfo(&set, &si);

	if (s < 0)
		snprintf(lines[logged++], sizeof lines[0], "nothing more");
	else if (s == SIGUSR1)
		snprintf(lines[logged++], sizeof lines[0], "SIGUSR1 code %s",
			 si.si_code == SI_USER ? "SI_USER" : "other");
	else
		snprintf(lines[logged++], sizeof lines[0], "SIGRTMIN+%d code %s value %d", s - SIGRTMIN,
			 si.si_code == SI_QUEUE ? "SI_QUEUE" : "other", si.si_value.sival_int);
}

static void *waiter(void *arg)
{
	take(0); /* the two sent before it existed */
	take(1);
	stage = 1;
	take(0); /* asleep until main sends one */
	stage = 2;
	while (stage != 3)
		usleep(1000);
	for (int i = 0; i < 5; i++) /* main's batch, then none */
		take(i < 4 ? 1 : -1);
	return arg;
}

int main(void)
{
	pthread_t t;
	sigset_t pending;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the worker inherits it */
	/* Before the worker exists: pending for the process. */
	kill(getpid(), SIGUSR1);
	sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 11});
	sigpending(&pending);
	printf("pending before: SIGUSR1 %d SIGRTMIN+1 %d\n", sigismember(&pending, SIGUSR1),
	       sigismember(&pending, SIGRTMIN + 1));
	pthread_create(&t, NULL, waiter, NULL);
	while (stage != 1)
		usleep(1000);
	usleep(20000); /* most likely asleep in sigwaitinfo by now */
	sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 1});
	while (stage != 2)
		usleep(1000);
	kill(getpid(), SIGUSR1);
	for (int v = 2; v <= 3; v++)
		sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = v});
	sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 12});
	kill(getpid(), SIGUSR1); /* merged with the first */
	sigpending(&pending);
	printf("pending in main: SIGUSR1 %d SIGRTMIN %d SIGRTMIN+1 %d\n",
	       sigismember(&pending, SIGUSR1), sigismember(&pending, SIGRTMIN),
	       sigismember(&pending, SIGRTMIN + 1));
	stage = 3;
	pthread_join(t, NULL);
	for (int i = 0; i < logged; i++)
		printf("%s\n", lines[i]);
	sigpending(&pending);
	printf("pending after: SIGUSR1 %d SIGRTMIN %d SIGRTMIN+1 %d\n",
	       sigismember(&pending, SIGUSR1), sigismember(&pending, SIGRTMIN),
	       sigismember(&pending, SIGRTMIN + 1));
	return 0;
}
