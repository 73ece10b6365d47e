/* futex_waitv: one thread waits on several futex words at once. Its
 * argument checks in Linux's order, a value that differs (EAGAIN), both
 * clocks' absolute timeouts, the index of the word woken (by FUTEX_WAKE,
 * FUTEX_REQUEUE to another word, FUTEX_WAKE_OP), the same word twice, and a
 * signal with and without SA_RESTART. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define U32 0x02 /* FUTEX2_SIZE_U32 (FUTEX_32 in older headers) */
#define PRIV 128 /* FUTEX2_PRIVATE */

static uint32_t words[8];

static long waitv(struct futex_waitv *w, unsigned n, unsigned flags, struct timespec *ts, int clock)
{
	return syscall(SYS_futex_waitv, w, n, flags, ts, clock);
}

static void entry(struct futex_waitv *w, uint32_t *word, uint64_t val, uint32_t flags)
{
	memset(w, 0, sizeof *w);
	w->uaddr = (uintptr_t)word;
	w->val = val;
	w->flags = flags;
}

static long futex(uint32_t *word, int op, int n, long n2, uint32_t *word2, uint32_t val3)
{
	return syscall(SYS_futex, word, op, n, (void *)n2, word2, val3);
}

/* The time clock reads plus ms milliseconds. */
static struct timespec in_ms(int clock, long ms)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	ts.tv_nsec += ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

/* A waiter thread: waits on the entries it is given, 2 s at most. */
struct job {
	struct futex_waitv w[4];
	unsigned n;
	volatile int started;
	long result;
	int err;
};

static void *waiter(void *arg)
{
	struct job *j = arg;
	struct timespec ts = in_ms(CLOCK_MONOTONIC, 2000);
	j->started = 1;
	j->result = waitv(j->w, j->n, 0, &ts, CLOCK_MONOTONIC);
	j->err = errno;
	return NULL;
}

/* Start a waiter on n words of words[] (indexes idx), wait until it
 * sleeps, run wake, and print what both returned. */
static void wake_case(const char *what, const int *idx, unsigned n, long (*wake)(void))
{
	struct job j = {.n = n};
	pthread_t t;

	for (unsigned i = 0; i < n; i++)
		entry(&j.w[i], &words[idx[i]], words[idx[i]], U32 | PRIV);
	pthread_create(&t, NULL, waiter, &j);
	while (!j.started)
		;
	usleep(50000); /* asleep in the call by now */
	long woke = wake();
	pthread_join(t, NULL);
	errno = j.err;
	printf("%s: wake returned %s, waitv returned %s\n", what, res_value(woke),
	       res_value(j.result));
}

static long wake_word2(void)
{
	return futex(&words[2], FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
}
static long wake_word1_all(void)
{
	return futex(&words[1], FUTEX_WAKE_PRIVATE, 100, 0, NULL, 0);
}
static long requeue_3_to_5(void)
{
	long r = futex(&words[3], FUTEX_REQUEUE_PRIVATE, 0, 10, &words[5], 0);
	long w = futex(&words[5], FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
	return r * 10 + w; /* moved, then woken at the new word */
}
static long wake_op_4(void)
{
	/* words[4] += 1, and wake its waiter as the old value was 0 */
	return futex(&words[0], FUTEX_WAKE_OP_PRIVATE, 0, 1, &words[4],
		     FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
}

static volatile int handled;
static void on_signal(int sig)
{
	handled = sig;
}

struct sigjob {
	pthread_t target;
};

static void *kicker(void *arg)
{
	struct sigjob *s = arg;
	usleep(50000);
	pthread_kill(s->target, SIGUSR1);
	usleep(50000);
	futex(&words[7], FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
	return NULL;
}

/* A signal arrives while waiting: EINTR without SA_RESTART; with it the
 * call goes on, and returns when the word is woken. */
static void signal_case(int flags)
{
	struct sigaction sa = {0};
	struct sigjob s = {pthread_self()};
	struct futex_waitv w;
	pthread_t t;

	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, NULL);
	handled = 0;
	entry(&w, &words[7], words[7], U32 | PRIV);
	pthread_create(&t, NULL, kicker, &s);
	struct timespec ts = in_ms(CLOCK_MONOTONIC, 2000);
	long r = waitv(&w, 1, 0, &ts, CLOCK_MONOTONIC);
	printf("signal (%s): %s, handler ran %d\n", flags ? "SA_RESTART" : "no SA_RESTART",
	       res_value(r), handled == SIGUSR1);
	pthread_join(t, NULL);
}

int main(void)
{
	struct futex_waitv w[130],
	    *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct timespec ts = in_ms(CLOCK_MONOTONIC, 10), badts = {0, 1000000000};
	uint32_t *unmapped = (uint32_t *)bad;

	for (int i = 0; i < 130; i++)
		entry(&w[i], &words[i % 8], 0, U32 | PRIV);
	printf("flags 1: %s\n", res(waitv(w, 1, 1, &ts, CLOCK_MONOTONIC)));
	printf("no words: %s\n", res(waitv(w, 0, 0, &ts, CLOCK_MONOTONIC)));
	printf("129 words: %s\n", res(waitv(w, 129, 0, &ts, CLOCK_MONOTONIC)));
	printf("NULL words: %s\n", res(waitv(NULL, 1, 0, &ts, CLOCK_MONOTONIC)));
	printf("unreadable words: %s\n", res(waitv(bad, 1, 0, &ts, CLOCK_MONOTONIC)));
	printf("CLOCK_BOOTTIME: %s\n", res(waitv(w, 1, 0, &ts, CLOCK_BOOTTIME)));
	printf("1e9 ns: %s\n", res(waitv(w, 1, 0, &badts, CLOCK_MONOTONIC)));
	printf("unreadable timeout: %s\n",
	       res(waitv(w, 1, 0, (struct timespec *)bad, CLOCK_MONOTONIC)));
	printf("1e9 ns, bad words: %s\n", res(waitv(bad, 1, 0, &badts, CLOCK_MONOTONIC)));

	words[1] = 1;
	printf("value differs: %s\n", res(waitv(w, 2, 0, &ts, CLOCK_MONOTONIC)));
	entry(&w[3], &words[3], 7, 0);
	printf("size flag missing, after a differing value: %s\n",
	       res(waitv(w, 4, 0, &ts, CLOCK_MONOTONIC)));
	entry(&w[3], &words[3], 0, U32 | 0x100);
	printf("unknown flag: %s\n", res(waitv(w, 4, 0, &ts, CLOCK_MONOTONIC)));
	entry(&w[3], &words[3], 0, U32);
	w[3].__reserved = 1;
	printf("reserved set: %s\n", res(waitv(w, 4, 0, &ts, CLOCK_MONOTONIC)));
	entry(&w[3], (uint32_t *)((char *)&words[3] + 2), 0, U32 | PRIV);
	printf("misaligned word: %s\n", res(waitv(w, 4, 0, &ts, CLOCK_MONOTONIC)));
	entry(&w[3], unmapped, 0, U32 | PRIV);
	printf("unmapped private word, after a differing value: %s\n",
	       res(waitv(w, 4, 0, &ts, CLOCK_MONOTONIC)));
	words[1] = 0;
	printf("unmapped private word: %s\n", res(waitv(w, 4, 0, &ts, CLOCK_MONOTONIC)));
	entry(&w[3], unmapped, 0, U32);
	printf("unmapped shared word: %s\n", res(waitv(w, 4, 0, &ts, CLOCK_MONOTONIC)));
	entry(&w[0], (uint32_t *)0xffff800000000000ull, 0, U32 | PRIV);
	entry(&w[1], &words[1], 0, U32 | 0x100);
	printf("a kernel address, then an unknown flag: %s\n",
	       res(waitv(w, 2, 0, &ts, CLOCK_MONOTONIC)));
	entry(&w[0], &words[0], 0, U32 | PRIV);
	entry(&w[1], &words[1], 0, U32 | PRIV);
	entry(&w[3], &words[3], 0, U32 | PRIV);

	ts = in_ms(CLOCK_MONOTONIC, 30);
	long r = waitv(w, 4, 0, &ts, CLOCK_MONOTONIC);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int late = now.tv_sec > ts.tv_sec || (now.tv_sec == ts.tv_sec && now.tv_nsec >= ts.tv_nsec);
	printf("monotonic timeout: %s, not early: %d\n", res(r), late);
	ts = in_ms(CLOCK_REALTIME, 30);
	r = waitv(w, 128, 0, &ts, CLOCK_REALTIME);
	clock_gettime(CLOCK_REALTIME, &now);
	late = now.tv_sec > ts.tv_sec || (now.tv_sec == ts.tv_sec && now.tv_nsec >= ts.tv_nsec);
	printf("realtime timeout, 128 words: %s, not early: %d\n", res(r), late);
	ts = (struct timespec){0, 0};
	printf("a timeout in the past: %s\n", res(waitv(w, 1, 0, &ts, CLOCK_REALTIME)));

	wake_case("FUTEX_WAKE of the third word", (int[]){0, 1, 2}, 3, wake_word2);
	wake_case("one word twice, both woken", (int[]){1, 1}, 2, wake_word1_all);
	wake_case("requeued, then woken", (int[]){0, 3, 1}, 3, requeue_3_to_5);
	wake_case("FUTEX_WAKE_OP", (int[]){4, 0}, 2, wake_op_4);
	printf("words[4] after WAKE_OP: %u\n", words[4]);

	signal_case(0);
	signal_case(SA_RESTART);
	return 0;
}
