/*
 * Four threads call the same hot function at once while the JIT tiers it
 * up (and specializes it: most calls pass the same table and length, a
 * third another key): every thread's sum must come out exact.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define LEN 64

static uint32_t table[LEN];
static uint64_t sums[THREADS];
static long rounds;

uint64_t work(const uint32_t *t, int n, uint32_t key)
{
	uint64_t s = key;
	for (int i = 0; i < n; i++)
		s = s * 31 + (t[i] ^ key);
	return s;
}

static void *run(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t s = 0;
	for (long r = 0; r < rounds; r++)
		s += work(table, LEN, r % 3 ? 7 : (uint32_t)id);
	sums[id] = s;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[THREADS];
	rounds = argc > 1 ? atol(argv[1]) : 200000;
	for (int i = 0; i < LEN; i++)
		table[i] = (uint32_t)i * 2654435761u;
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, run, (void *)(intptr_t)i)) {
			fprintf(stderr, "hot4: cannot create a thread\n");
			return 1;
		}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < THREADS; i++)
		printf("thread %d: %llu\n", i, (unsigned long long)sums[i]);
	return 0;
}
