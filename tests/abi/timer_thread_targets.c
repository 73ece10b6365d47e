/* POSIX timers aimed at threads, against Linux: glibc's SIGEV_THREAD timers
 * (their kernel timer names glibc's helper thread with SIGEV_THREAD_ID:
 * it used to be EINVAL for any thread but the caller), SIGEV_THREAD_ID
 * delivering to the thread it names and no other, a tid that is not one of
 * the process's threads (EINVAL), and no signal once the named thread has
 * ended. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static volatile int fired;
static volatile pid_t fired_on;

static void callback(union sigval v)
{
	if (v.sival_int == 42) {
		fired_on = (pid_t)syscall(SYS_gettid);
		fired++;
	}
}

static int create_for(pid_t tid, timer_t *t)
{
	struct sigevent ev = {0};
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_value.sival_int = 7;
	ev._sigev_un._tid = tid;
	return timer_create(CLOCK_MONOTONIC, &ev, t);
}

static volatile pid_t worker_tid;
static volatile int worker_got, worker_code, worker_value;

static void *worker(void *arg)
{
	sigset_t set;
	siginfo_t info;
	struct timespec wait = {2, 0};
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	worker_tid = (pid_t)syscall(SYS_gettid);
	if (sigtimedwait(&set, &info, &wait) == SIGRTMIN) {
		worker_got = 1;
		worker_code = info.si_code;
		worker_value = info.si_value.sival_int;
	}
	return arg;
}

static void *quick(void *arg)
{
	*(pid_t *)arg = (pid_t)syscall(SYS_gettid);
	return NULL;
}

int main(void)
{
	timer_t t;
	sigset_t set;
	setvbuf(stdout, NULL, _IONBF, 0);

	struct sigevent ev = {0};
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = callback;
	ev.sigev_value.sival_int = 42;
	printf("SIGEV_THREAD timer: %s\n", res(timer_create(CLOCK_MONOTONIC, &ev, &t)));
	struct itimerspec every = {{0, 10000000}, {0, 10000000}};
	timer_settime(t, 0, &every, NULL);
	for (int i = 0; i < 300 && fired < 5; i++)
		usleep(10000);
	timer_delete(t);
	printf("  its function ran 5 times: %d, on another thread: %d\n", fired >= 5,
	       fired_on != getpid());

	/* every thread blocks SIGRTMIN; the worker waits for it */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_t w;
	pthread_create(&w, NULL, worker, NULL);
	while (!worker_tid)
		usleep(1000);
	printf("SIGEV_THREAD_ID to the worker: %s\n", res(create_for(worker_tid, &t)));
	struct itimerspec once = {{0, 0}, {0, 30000000}};
	timer_settime(t, 0, &once, NULL);
	pthread_join(w, NULL);
	siginfo_t info;
	struct timespec none = {0, 0};
	printf("  the worker got it: %d, SI_TIMER %d, value %d; the process has it pending: %d\n",
	       worker_got, worker_code == SI_TIMER, worker_value,
	       sigtimedwait(&set, &info, &none) == SIGRTMIN);
	timer_delete(t);

	printf("a tid of no thread: %s\n", res(create_for(999999, &t)));
	pid_t gone = 0;
	pthread_t q;
	pthread_create(&q, NULL, quick, &gone);
	pthread_join(q, NULL);
	printf("the tid of a thread that ended: %s\n", res(create_for(gone, &t)));

	/* a timer for a thread that ends before it expires: no signal */
	worker_tid = 0;
	worker_got = 0;
	pthread_create(&w, NULL, worker, NULL);
	while (!worker_tid)
		usleep(1000);
	create_for(worker_tid, &t);
	union sigval v = {.sival_int = 1};
	pthread_sigqueue(w, SIGRTMIN, v); /* ends the worker's wait at once */
	pthread_join(w, NULL);
	timer_settime(t, 0, &once, NULL);
	struct timespec wait = {0, 200000000};
	printf("its thread ended before it expired: a signal for the process %d\n",
	       sigtimedwait(&set, &info, &wait) == SIGRTMIN);
	timer_delete(t);
	return 0;
}
