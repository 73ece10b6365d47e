/* A signal sent to the process while every thread blocks it stays pending
 * for the process when the thread that sent it (and to which it used to be
 * queued) exits: the main thread still sees it in sigpending and its
 * handler runs once the signal is unblocked. The same for a queued
 * real-time signal and its value. And an unblocked process signal sent by
 * a thread that blocks it reaches the thread that does not. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile int got_usr1, got_rt, rt_value;
static volatile pthread_t handled_by;

static void on_usr1(int s) { got_usr1++, (void)s; }

static void on_rt(int s, siginfo_t *si, void *uc)
{
	got_rt++;
	rt_value = si->si_value.sival_int;
	(void)s, (void)uc;
}

static void on_usr2(int s)
{
	handled_by = pthread_self();
	(void)s;
}

static void *sender(void *arg)
{
	kill(getpid(), SIGUSR1);
	sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 42});
	return arg;
}

static void *blocks_usr2_and_sends(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	kill(getpid(), SIGUSR2);
	return arg;
}

int main(void)
{
	struct sigaction rt = {.sa_sigaction = on_rt, .sa_flags = SA_SIGINFO};
	sigset_t set, pending;
	pthread_t t;

	signal(SIGUSR1, on_usr1);
	sigaction(SIGRTMIN, &rt, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&t, NULL, sender, NULL);
	pthread_join(t, NULL);
	sigpending(&pending);
	printf("after the sender exited: SIGUSR1 pending %d, SIGRTMIN pending %d\n",
	       sigismember(&pending, SIGUSR1), sigismember(&pending, SIGRTMIN));
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	printf("handlers after unblocking: SIGUSR1 %d, SIGRTMIN %d (value %d)\n", got_usr1, got_rt,
	       rt_value);

	signal(SIGUSR2, on_usr2);
	pthread_create(&t, NULL, blocks_usr2_and_sends, NULL);
	pthread_join(t, NULL);
	for (int i = 0; i < 1000 && !handled_by; i++)
		usleep(1000);
	printf("SIGUSR2 handled by the main thread: %d\n", pthread_equal(handled_by, pthread_self()));
	return 0;
}
