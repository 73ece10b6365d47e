/* Priority-inheritance mutexes (PTHREAD_PRIO_INHERIT: futex LOCK_PI,
 * LOCK_PI2, TRYLOCK_PI, UNLOCK_PI), which were ENOSYS: contended counting
 * with an exact total, trylock, error checking, timed locks on both
 * clocks, robust ones whose owner ends (with and without a waiter), one
 * whose owner ends without a robust list, a signal while a thread waits,
 * and the futex word's protocol through raw calls. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

#define THREADS 4
#define ROUNDS 50000

static pthread_mutex_t counted;
static long counter;

static const char *err_name(int e)
{
	errno = e;
	return e ? errno_name() : "ok";
}

static void make_mutex(pthread_mutex_t *m, int type, int robust)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	if (pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT))
		printf("setprotocol failed\n");
	pthread_mutexattr_settype(&a, type);
	if (robust)
		pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
}

static void *count(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&counted);
		long v = counter;
		if ((i & 255) == 0)
			sched_yield(); /* others come to the lock while it is held */
		counter = v + 1;
		pthread_mutex_unlock(&counted);
	}
	return arg;
}

static pthread_mutex_t held;
static volatile int stage;

static void *hold_until(void *arg)
{
	int until = (int)(intptr_t)arg;
	pthread_mutex_lock(&held);
	stage = 1;
	while (stage < until)
		usleep(1000);
	pthread_mutex_unlock(&held);
	return NULL;
}

/* Locks m and ends without unlocking it. */
static void *lock_and_leave(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL;
}

static pthread_mutex_t orphan;
static volatile int waiting_result = -1;

static void *wait_for_orphan(void *arg)
{
	stage = 2;
	waiting_result = pthread_mutex_lock(&orphan);
	if (waiting_result == EOWNERDEAD)
		pthread_mutex_consistent(&orphan);
	pthread_mutex_unlock(&orphan);
	return arg;
}

static void *lock_wait_leave(void *arg)
{
	pthread_mutex_lock(&orphan);
	stage = 1;
	while (stage < 2)
		usleep(1000);
	usleep(50000); /* the other thread sleeps in the kernel by now */
	return arg;
}

/* Raw protocol */
static uint32_t word;
static volatile long raw_result = 99;
static volatile int handled;

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void on_usr1(int sig)
{
	handled++;
}

static uint32_t plain; /* a word for FUTEX_WAIT */
static volatile int plain_waiting;

static void *plain_waiter(void *arg)
{
	plain_waiting = 1;
	futex(&plain, FUTEX_WAIT, 0, NULL);
	return arg;
}

static void *raw_locker(void *arg)
{
	stage = 3;
	raw_result = futex(&word, FUTEX_LOCK_PI, 0, NULL) ? -errno : 0;
	return arg;
}

/* Takes the lock at word and ends holding it, once another waits. */
static void *raw_lock_leave(void *arg)
{
	futex(&word, FUTEX_LOCK_PI, 0, NULL);
	stage = 1;
	while (!(__atomic_load_n(&word, __ATOMIC_SEQ_CST) & FUTEX_WAITERS))
		usleep(1000);
	usleep(50000);
	return arg;
}

/* holder takes a lock (stage 1) and ends holding it while waiter waits. */
static void owner_ends(void *(*holder)(void *), void *(*waiter)(void *))
{
	pthread_t a, b;
	stage = 0;
	pthread_create(&a, NULL, holder, NULL);
	while (stage < 1)
		usleep(1000);
	pthread_create(&b, NULL, waiter, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
}

int main(void)
{
	/* contended counting */
	make_mutex(&counted, PTHREAD_MUTEX_NORMAL, 0);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, count, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("counter %ld (of %d)\n", counter, THREADS * ROUNDS);

	/* trylock and timed locks against another thread's hold */
	make_mutex(&held, PTHREAD_MUTEX_ERRORCHECK, 0);
	pthread_t h;
	stage = 0;
	pthread_create(&h, NULL, hold_until, (void *)(intptr_t)2);
	while (stage < 1)
		usleep(1000);
	printf("trylock while held: %s\n", err_name(pthread_mutex_trylock(&held)));
	printf("unlock by another: %s\n", err_name(pthread_mutex_unlock(&held)));
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 30000000;
	if (ts.tv_nsec >= 1000000000)
		ts.tv_sec++, ts.tv_nsec -= 1000000000;
	printf("timedlock (realtime): %s\n", err_name(pthread_mutex_timedlock(&held, &ts)));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 30000000;
	if (ts.tv_nsec >= 1000000000)
		ts.tv_sec++, ts.tv_nsec -= 1000000000;
	printf("clocklock (monotonic): %s\n",
	       err_name(pthread_mutex_clocklock(&held, CLOCK_MONOTONIC, &ts)));
	stage = 2;
	pthread_join(h, NULL);
	printf("lock after release: %s\n", err_name(pthread_mutex_lock(&held)));
	printf("relock (error check): %s\n", err_name(pthread_mutex_lock(&held)));
	printf("unlock: %s\n", err_name(pthread_mutex_unlock(&held)));

	/* robust: the owner ends holding it */
	pthread_mutex_t robust;
	make_mutex(&robust, PTHREAD_MUTEX_NORMAL, 1);
	pthread_create(&h, NULL, lock_and_leave, &robust);
	pthread_join(h, NULL);
	int r = pthread_mutex_lock(&robust);
	printf("robust, owner gone: %s\n", err_name(r));
	if (r == EOWNERDEAD)
		printf("consistent: %s\n", err_name(pthread_mutex_consistent(&robust)));
	printf("unlock: %s\n", err_name(pthread_mutex_unlock(&robust)));
	printf("lock again: %s\n", err_name(pthread_mutex_lock(&robust)));
	pthread_mutex_unlock(&robust);

	/* robust, with a thread asleep for it when the owner ends */
	make_mutex(&orphan, PTHREAD_MUTEX_NORMAL, 1);
	owner_ends(lock_wait_leave, wait_for_orphan);
	printf("robust, waiter when the owner ends: %s\n", err_name(waiting_result));

	/* raw: the word's protocol */
	uint32_t self = (uint32_t)gettid();
	printf("LOCK_PI free: %s, word is tid: %s\n", res(futex(&word, FUTEX_LOCK_PI, 0, NULL)),
	       word == self ? "yes" : "no");
	printf("LOCK_PI own: %s\n", res(futex(&word, FUTEX_LOCK_PI, 0, NULL)));
	printf("TRYLOCK_PI own: %s\n", res(futex(&word, FUTEX_TRYLOCK_PI, 0, NULL)));
	printf("UNLOCK_PI: %s, word %#x\n", res(futex(&word, FUTEX_UNLOCK_PI, 0, NULL)), word);
	printf("UNLOCK_PI not held: %s\n", res(futex(&word, FUTEX_UNLOCK_PI, 0, NULL)));
	word = 0x3ffffff0; /* a tid no thread has */
	printf("LOCK_PI, owner no thread: %s\n", res(futex(&word, FUTEX_LOCK_PI, 0, NULL)));
	printf("UNLOCK_PI misaligned, not held: %s\n",
	       res(futex((uint32_t *)((char *)&word + 1), FUTEX_UNLOCK_PI, 0, NULL)));
	printf("LOCK_PI misaligned: %s\n",
	       res(futex((uint32_t *)((char *)&word + 1), FUTEX_LOCK_PI, 0, NULL)));
	printf("LOCK_PI unmapped: %s\n", res(futex((uint32_t *)16, FUTEX_LOCK_PI, 0, NULL)));
	printf("LOCK_PI with CLOCK_REALTIME flag: %s\n",
	       res(futex(&word, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL)));
	struct timespec bad = {0, 1000000000};
	word = 0;
	printf("LOCK_PI2 bad timeout: %s\n", res(futex(&word, FUTEX_LOCK_PI2, 0, &bad)));
	word = 0;
	printf("LOCK_PI2 free: %s\n", res(futex(&word, FUTEX_LOCK_PI2, 0, NULL)));
	word = 0;

	/* another thread waits; a signal comes meanwhile; the lock goes to it */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1; /* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	futex(&word, FUTEX_LOCK_PI, 0, NULL);
	pthread_t w;
	stage = 0;
	pthread_create(&w, NULL, raw_locker, NULL);
	for (int i = 0; i < 5000 && !(__atomic_load_n(&word, __ATOMIC_SEQ_CST) & FUTEX_WAITERS); i++)
		usleep(1000); /* until the other thread sleeps in the kernel */
	printf("waiters bit: %s\n", word & FUTEX_WAITERS ? "set" : "clear");
	printf("FUTEX_WAKE on it: %s\n", res(futex(&word, FUTEX_WAKE, 1, NULL)));
	printf("FUTEX_WAKE of 0 on it: %s\n", res(futex(&word, FUTEX_WAKE, 0, NULL)));
	printf("REQUEUE to it from a word no one waits on: %s\n",
	       res(syscall(SYS_futex, &plain, FUTEX_REQUEUE, 1, (void *)1, &word, 0)));

	/* a FUTEX_WAIT sleeper's word is no lock */
	pthread_t pw;
	pthread_create(&pw, NULL, plain_waiter, NULL);
	while (!plain_waiting)
		usleep(1000);
	usleep(200000); /* asleep in the kernel by now */
	long pl = futex(&plain, FUTEX_LOCK_PI, 0, NULL);
	printf("LOCK_PI on a FUTEX_WAIT word: %s\n", res(pl));
	if (!pl)
		futex(&plain, FUTEX_UNLOCK_PI, 0, NULL);
	plain = 1;
	futex(&plain, FUTEX_WAKE, 1, NULL);
	pthread_join(pw, NULL);
	printf("TRYLOCK_PI by the owner while waited for: %s\n",
	       res(futex(&word, FUTEX_TRYLOCK_PI, 0, NULL)));
	pthread_kill(w, SIGUSR1);
	for (int i = 0; i < 5000 && !handled; i++)
		usleep(1000);
	usleep(20000); /* its LOCK_PI goes on (or, wrongly, returns) */
	printf("after the signal: handled %d, still waiting: %s\n", handled,
	       raw_result == 99 ? "yes" : "no");
	printf("UNLOCK_PI to the waiter: %s\n", res(futex(&word, FUTEX_UNLOCK_PI, 0, NULL)));
	pthread_join(w, NULL);
	printf("the waiter's LOCK_PI: %ld, word: waiters %s, owner was the waiter: %s\n",
	       raw_result, word & FUTEX_WAITERS ? "set" : "clear",
	       (word & FUTEX_TID_MASK) != self && (word & FUTEX_TID_MASK) ? "yes" : "no");

	/* an owner ends holding it (no robust list): the waiter gets it, told
	 * that the owner died */
	word = 0;
	raw_result = 99;
	owner_ends(raw_lock_leave, raw_locker);
	printf("owner ended: the waiter's LOCK_PI %ld, word: waiters %s, owner died %s\n",
	       raw_result, word & FUTEX_WAITERS ? "set" : "clear",
	       word & FUTEX_OWNER_DIED ? "set" : "clear");
	return 0;
}
