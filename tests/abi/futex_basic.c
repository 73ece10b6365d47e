/* futex with one thread: a value that differs is EAGAIN, a wait with a
 * timeout ends with ETIMEDOUT after it (relative, absolute monotonic and
 * absolute realtime), a wake finds nobody, and the argument errors. */
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex(void *uaddr, int op, uint32_t val, const void *ts, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

static const char *res(long r)
{
	if (r != -1)
		return r == 0 ? "0" : "positive";
	switch (errno) {
	case EAGAIN:
		return "EAGAIN";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case ENOSYS:
		return "ENOSYS";
	default:
		return "other";
	}
}

static double now(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static struct timespec at(clockid_t clock, double delay)
{
	double t = now(clock) + delay;
	struct timespec ts = {(time_t)t, (long)((t - (time_t)t) * 1e9)};
	return ts;
}

/* Run one timed wait and say whether it took about as long as asked. */
static void timed(const char *what, uint32_t *word, int op, const struct timespec *ts, double want)
{
	double t0 = now(CLOCK_MONOTONIC);
	long r = futex(word, op, *word, ts, FUTEX_BITSET_MATCH_ANY);
	double took = now(CLOCK_MONOTONIC) - t0;
	printf("%s: %s, waited at least %.0f ms: %s, under 5 s: %s\n", what, res(r), want * 1000,
	       took >= want - 0.001 ? "yes" : "no", took < 5 ? "yes" : "no");
}

int main(void)
{
	static uint32_t word = 7, words[2];
	struct timespec rel = {0, 30 * 1000 * 1000}, bad = {0, 2000000000}, past = {1, 0};

	printf("WAIT, value differs: %s\n", res(futex(&word, FUTEX_WAIT, 8, NULL, 0)));
	printf("WAIT_PRIVATE, value differs: %s\n",
	       res(futex(&word, FUTEX_WAIT_PRIVATE, 8, NULL, 0)));
	printf("WAIT_BITSET, value differs: %s\n",
	       res(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 8, NULL, FUTEX_BITSET_MATCH_ANY)));
	timed("WAIT 30 ms relative", &word, FUTEX_WAIT, &rel, 0.030);
	timed("WAIT_PRIVATE 30 ms relative", &word, FUTEX_WAIT_PRIVATE, &rel, 0.030);
	struct timespec mono = at(CLOCK_MONOTONIC, 0.020);
	timed("WAIT_BITSET until monotonic +20 ms", &word, FUTEX_WAIT_BITSET, &mono, 0.015);
	struct timespec wall = at(CLOCK_REALTIME, 0.020);
	timed("WAIT_BITSET|CLOCK_REALTIME until wall +20 ms", &word,
	      FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, &wall, 0.010);
	timed("WAIT_BITSET with a deadline long past", &word, FUTEX_WAIT_BITSET, &past, 0);

	printf("WAKE: %s\n", res(futex(&word, FUTEX_WAKE, 1, NULL, 0)));
	printf("WAKE_PRIVATE of 1000: %s\n", res(futex(&word, FUTEX_WAKE_PRIVATE, 1000, NULL, 0)));
	printf("WAKE_BITSET: %s\n", res(futex(&word, FUTEX_WAKE_BITSET, 1, NULL, 1)));
	printf("WAKE_BITSET with bitset 0: %s\n", res(futex(&word, FUTEX_WAKE_BITSET, 1, NULL, 0)));
	printf("WAIT_BITSET with bitset 0: %s\n", res(futex(&word, FUTEX_WAIT_BITSET, 7, &rel, 0)));
	printf("WAIT with CLOCK_REALTIME: %s\n",
	       res(futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 7, &rel, 0)));
	printf("WAIT, nanoseconds out of range: %s\n", res(futex(&word, FUTEX_WAIT, 7, &bad, 0)));
	printf("WAIT, unreadable timeout: %s\n", res(futex(&word, FUTEX_WAIT, 7, (void *)8, 0)));
	printf("WAIT, misaligned word: %s\n",
	       res(futex((char *)words + 1, FUTEX_WAIT, 0, &rel, 0)));
	printf("WAIT, NULL word: %s\n", res(futex(NULL, FUTEX_WAIT, 0, &rel, 0)));
	printf("WAIT, kernel address: %s\n",
	       res(futex((void *)0xffffffff81000000ul, FUTEX_WAIT, 0, &rel, 0)));
	printf("WAKE, misaligned word: %s\n",
	       res(futex((char *)words + 2, FUTEX_WAKE, 1, NULL, 0)));
	printf("WAKE_PRIVATE, NULL word: %s\n", res(futex(NULL, FUTEX_WAKE_PRIVATE, 1, NULL, 0)));
	printf("WAKE (shared), NULL word: %s\n", res(futex(NULL, FUTEX_WAKE, 1, NULL, 0)));
	printf("WAKE, kernel address: %s\n",
	       res(futex((void *)0xffffffff81000000ul, FUTEX_WAKE, 1, NULL, 0)));
	printf("operation 2 (FUTEX_FD, removed): %s\n", res(futex(&word, 2, 0, NULL, 0)));
	printf("operation 99: %s\n", res(futex(&word, 99, 0, NULL, 0)));
	printf("word unchanged: %u\n", word);
	return 0;
}
