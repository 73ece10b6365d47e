/* Page faults and unmaps from four threads at once: each maps 64 fresh
 * pages a round, writes its own pattern into every page, unmaps every
 * other page, checks the rest and unmaps them too. On two CPUs
 * (tests/boot/pages_cached_per_cpu.sh) the freed pages pass through both
 * CPUs' page caches; a page handed out twice, or not zeroed, shows as a
 * wrong word. The counts printed are exact. Rounds: 30, or CHURN_ROUNDS
 * from the environment (tests/abi programs get the time as argument 1). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define THREADS 4
#define PAGES 64
#define PAGE 4096

static int rounds = 30;

struct result {
	long faulted, checked, bad;
	unsigned long sum;
};

static unsigned long word(long t, long r, long p) { return (unsigned long)t << 40 | (unsigned long)r << 20 | (unsigned long)p; }

static void *churn(void *arg)
{
	long t = (long)arg;
	struct result *res = calloc(1, sizeof *res);

	for (long r = 0; r < rounds && res; r++) {
		char *a = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED) {
			res->bad++;
			break;
		}
		for (long p = 0; p < PAGES; p++) {
			unsigned long *w = (unsigned long *)(a + p * PAGE);
			if (w[0] || w[PAGE / 8 - 1]) /* a fresh page is zero */
				res->bad++;
			w[0] = w[PAGE / 8 - 1] = word(t, r, p);
			res->faulted++;
		}
		for (long p = 0; p < PAGES; p += 2)
			munmap(a + p * PAGE, PAGE);
		for (long p = 1; p < PAGES; p += 2) {
			unsigned long *w = (unsigned long *)(a + p * PAGE);
			if (w[0] != word(t, r, p) || w[PAGE / 8 - 1] != word(t, r, p))
				res->bad++;
			res->sum += w[0] & 0xfffff;
			res->checked++;
			munmap(a + p * PAGE, PAGE);
		}
	}
	return res;
}

int main(void)
{
	pthread_t th[THREADS];
	struct result total = {0, 0, 0, 0};

	if (getenv("CHURN_ROUNDS"))
		rounds = atoi(getenv("CHURN_ROUNDS"));
	for (long t = 0; t < THREADS; t++)
		if (pthread_create(&th[t], NULL, churn, (void *)t))
			return printf("pthread_create failed\n"), 1;
	for (int t = 0; t < THREADS; t++) {
		struct result *r;
		pthread_join(th[t], (void **)&r);
		if (!r)
			return printf("a thread ran out of memory\n"), 1;
		total.faulted += r->faulted;
		total.checked += r->checked;
		total.bad += r->bad;
		total.sum += r->sum;
		free(r);
	}
	printf("pages faulted %ld, checked %ld, wrong %ld, sum %lu\n", total.faulted, total.checked,
	       total.bad, total.sum);
	return total.bad != 0;
}
