/* Futexes between threads: 1,000,000 lock operations on a futex-based lock
 * of our own (an exact final count), then each operation the C library
 * does not use alone: WAKE with a count, WAIT_BITSET/WAKE_BITSET,
 * REQUEUE, CMP_REQUEUE, WAKE_OP, and timeouts on both clocks. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex(uint32_t *uaddr, int op, uint32_t val, const void *timeout, uint32_t *uaddr2,
		  uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

/* Drepper's mutex: 0 free, 1 locked, 2 locked with waiters. */
static uint32_t word;
static void lock(void)
{
	uint32_t c = 0;
	if (__atomic_compare_exchange_n(&word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex(&word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
		c = __atomic_exchange_n(&word, 2, __ATOMIC_ACQUIRE);
	}
}
static void unlock(void)
{
	if (__atomic_fetch_sub(&word, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&word, 0, __ATOMIC_RELEASE);
		futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

#define NT 4
#define OPS 250000
static long count;
static void *hammer(void *arg)
{
	for (int i = 0; i < OPS; i++) {
		lock();
		count++;
		unlock();
	}
	return arg;
}

static uint32_t gate, gate2;
static volatile int woke, ready;
static void *waiter(void *arg)
{
	long bits = (long)arg;
	__atomic_fetch_add(&ready, 1, __ATOMIC_RELAXED);
	long r = futex(&gate, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, (uint32_t)bits);
	if (r == 0)
		__atomic_fetch_add(&woke, 1, __ATOMIC_RELAXED);
	return (void *)r;
}

/* Start n waiters on gate, the first `low` of them with bitset 1, the
 * others with bits; return once they are (very nearly certainly) asleep:
 * each counts itself in just before its wait, a sleep covers the rest. */
static void start_waiters(pthread_t *t, int n, int low, long bits)
{
	woke = ready = 0;
	for (long i = 0; i < n; i++)
		pthread_create(&t[i], NULL, waiter, (void *)(i < low ? 1L : bits));
	while (ready < n)
		usleep(1000);
	usleep(100000);
}

static void join_waiters(pthread_t *t, int n)
{
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("woken waiters returned 0: %d\n", woke);
}

int main(void)
{
	pthread_t t[NT];

	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, hammer, (void *)i);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	printf("1,000,000 locked increments: %ld\n", count);

	/* WAKE_BITSET: wake only the waiters whose bitset meets ours. */
	start_waiters(t, 4, 2, 2);
	long n = futex(&gate, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 1);
	printf("WAKE_BITSET 1 woke %ld\n", n);
	n = futex(&gate, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	printf("WAKE 1 woke %ld\n", n);
	n = futex(&gate, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
	printf("WAKE 10 woke %ld\n", n);
	join_waiters(t, 4);

	/* REQUEUE: wake 1, move 2 to gate2; then CMP_REQUEUE with a stale
	 * value fails with EAGAIN; the moved ones wake on gate2. */
	start_waiters(t, 4, 0, ~0L);
	n = futex(&gate, FUTEX_REQUEUE_PRIVATE, 1, (void *)2L, &gate2, 0);
	printf("REQUEUE woke+moved %ld\n", n);
	n = futex(&gate, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)5L, &gate2, 99);
	printf("CMP_REQUEUE with a stale value: %ld %s\n", n, n < 0 && errno == EAGAIN ? "EAGAIN" : "?");
	n = futex(&gate, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)5L, &gate2, 0);
	printf("CMP_REQUEUE moved %ld\n", n);
	n = futex(&gate2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
	printf("WAKE on the second word woke %ld\n", n);
	join_waiters(t, 4);

	/* WAKE_OP: gate2 += 1 (old 0), wake one on gate, and one on gate2
	 * if the old value was 0. */
	gate2 = 0;
	start_waiters(t, 1, 0, ~0L);
	n = futex(&gate, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &gate2,
		  FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
	pthread_join(t[0], NULL);
	printf("WAKE_OP woke %ld, gate2 now %u\n", n, gate2);

	/* Timeouts: relative on CLOCK_MONOTONIC, absolute on CLOCK_REALTIME. */
	struct timespec rel = {0, 30000000}, abs, t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = futex(&gate, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("WAIT 30 ms: %s, waited at least 30 ms: %s\n", n < 0 && errno == ETIMEDOUT ? "ETIMEDOUT" : "?",
	       ms >= 30 ? "yes" : "no");
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 30000000;
	if (abs.tv_nsec >= 1000000000)
		abs.tv_sec++, abs.tv_nsec -= 1000000000;
	n = futex(&gate, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs, NULL, ~0u);
	printf("WAIT_BITSET realtime deadline: %s\n", n < 0 && errno == ETIMEDOUT ? "ETIMEDOUT" : "?");
	return 0;
}
