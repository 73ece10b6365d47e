/*
 * Four threads, each calling a function of its own: the first of them to
 * get hot is compiled synchronously (--compile-threads 0) while the other
 * three threads reach their own functions' checkpoints, which must not
 * wait for that compile. Every thread's sum must come out exact.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4

static uint64_t sums[THREADS];
static long rounds;

uint64_t f0(uint64_t s, long r)
{
	return s * 31 + (uint64_t)r;
}

uint64_t f1(uint64_t s, long r)
{
	return s * 37 + (uint64_t)(r ^ 5);
}

uint64_t f2(uint64_t s, long r)
{
	return (s ^ (uint64_t)r) * 41 + 7;
}

uint64_t f3(uint64_t s, long r)
{
	return s * 43 - (uint64_t)(r * 3);
}

static uint64_t (*const fns[THREADS])(uint64_t, long) = {f0, f1, f2, f3};

static void *run(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t s = (uint64_t)id;
	for (long r = 0; r < rounds; r++)
		s = fns[id](s, r);
	sums[id] = s;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS];
	rounds = argc > 1 ? atol(argv[1]) : 100000;
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, run, (void *)(intptr_t)i)) {
			fprintf(stderr, "probes4: cannot create a thread\n");
			return 1;
		}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < THREADS; i++)
		printf("thread %d: %llu\n", i, (unsigned long long)sums[i]);
	return 0;
}
