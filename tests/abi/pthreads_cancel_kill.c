/* Thread cancellation at cancellation points (a condition wait, a sleep,
 * pause, read of a pipe is left out), pthread_kill to one thread with a
 * handler that records which thread ran it, signal masks per thread, and
 * a process-directed signal reaching the one thread that does not block it. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static volatile int cleanup_ran[3];

static void cleanup(void *arg) { cleanup_ran[(long)arg] = 1; }

static void *wait_cond(void *arg)
{
	pthread_cleanup_push(cleanup, arg);
	pthread_mutex_lock(&m);
	for (;;)
		pthread_cond_wait(&c, &m); /* never signalled */
	pthread_cleanup_pop(0);
	return NULL;
}

static void *wait_sleep(void *arg)
{
	pthread_cleanup_push(cleanup, arg);
	for (;;)
		sleep(100);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *wait_pause(void *arg)
{
	pthread_cleanup_push(cleanup, arg);
	for (;;)
		pause();
	pthread_cleanup_pop(0);
	return NULL;
}

static pthread_t handled_by[4];
static volatile int handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled_by[handled++ & 3] = pthread_self();
}

static volatile int stop;
static void *spinner(void *arg)
{
	while (!stop)
		; /* in ring 3 the whole time: the signal must interrupt it */
	return arg;
}

static void *sleeper(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	struct timespec ts = {0, 2000000};
	while (!stop)
		nanosleep(&ts, NULL);
	return arg;
}

static volatile pthread_t usr2_thread;
static void on_usr2(int sig)
{
	(void)sig;
	usr2_thread = pthread_self();
}

int main(void)
{
	pthread_t t[3];
	void *(*fn[3])(void *) = {wait_cond, wait_sleep, wait_pause};
	void *ret;

	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, fn[i], (void *)i);
	usleep(20000);
	for (int i = 0; i < 3; i++) {
		pthread_cancel(t[i]);
		pthread_join(t[i], &ret);
		printf("cancel %d: %s, cleanup %s\n", i, ret == PTHREAD_CANCELED ? "canceled" : "returned",
		       cleanup_ran[i] ? "ran" : "did not run");
		if (i == 0)
			pthread_mutex_unlock(&m); /* the canceled waiter held it again */
	}

	signal(SIGUSR1, on_usr1);
	pthread_t s;
	pthread_create(&s, NULL, spinner, NULL);
	pthread_kill(s, SIGUSR1);
	while (!handled)
		;
	stop = 1;
	pthread_join(s, NULL);
	printf("pthread_kill: handled %d time(s), by the target: %s\n", handled,
	       pthread_equal(handled_by[0], s) ? "yes" : "no");
	pthread_kill(pthread_self(), SIGUSR1);
	printf("pthread_kill to self: by main: %s\n", pthread_equal(handled_by[1], pthread_self()) ? "yes" : "no");

	/* SIGUSR2 blocked in main; a process-directed one goes to the thread
	 * that unblocked it. */
	stop = 0;
	signal(SIGUSR2, on_usr2);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&s, NULL, sleeper, NULL);
	usleep(10000);
	kill(getpid(), SIGUSR2);
	while (!usr2_thread)
		usleep(1000);
	stop = 1;
	pthread_join(s, NULL);
	printf("kill: SIGUSR2 went to the thread not blocking it: %s\n", pthread_equal(usr2_thread, s) ? "yes" : "no");
	sigset_t pend;
	sigpending(&pend);
	printf("main: SIGUSR2 pending %d\n", sigismember(&pend, SIGUSR2));
	return 0;
}
