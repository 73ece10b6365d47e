/* A futex ping-pong between two threads: each waits for its turn on a word
 * the other sets and wakes, for ROUNDS round trips; prints "ms N rtps R"
 * (round trips per second). */
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 20000

static uint32_t turn; /* 0: ping's, 1: pong's */

static void wait_for(uint32_t want)
{
	uint32_t v;
	while ((v = __atomic_load_n(&turn, __ATOMIC_ACQUIRE)) != want)
		syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void pass(uint32_t to)
{
	__atomic_store_n(&turn, to, __ATOMIC_RELEASE);
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *pong(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		wait_for(1);
		pass(0);
	}
	return arg;
}

int main(void)
{
	pthread_t t;
	struct timespec a, b;

	pthread_create(&t, NULL, pong, NULL);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < ROUNDS; i++) {
		pass(1);
		wait_for(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	pthread_join(t, NULL);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	printf("ms %ld rtps %ld\n", ms, ms ? ROUNDS * 1000L / ms : 0);
	return 0;
}
