/* Scaling of CPU-bound pthreads: the work of 4 chunks split over as many
 * threads as the program has CPUs (sysconf), timed from the first thread's
 * start to the last join on the monotonic clock; prints "ms N threads T". */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define CHUNKS 4
#define WORK 400000000ul

static unsigned long result[CHUNKS];

static void *chunk(void *arg)
{
	long c = (long)arg;
	unsigned long s = (unsigned long)c;
	for (unsigned long i = 0; i < WORK; i++)
		s = s * 6364136223846793005ul + i;
	result[c] = s;
	return NULL;
}

struct range { long from, to; };

static void *worker(void *arg)
{
	struct range *r = arg;
	for (long c = r->from; c < r->to; c++)
		chunk((void *)c);
	return NULL;
}

int main(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1 || n > CHUNKS)
		n = n < 1 ? 1 : CHUNKS;
	pthread_t t[CHUNKS];
	struct range r[CHUNKS];
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		r[i] = (struct range){CHUNKS * i / n, CHUNKS * (i + 1) / n};
		pthread_create(&t[i], NULL, worker, &r[i]);
	}
	for (long i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	unsigned long x = 0;
	for (int c = 0; c < CHUNKS; c++)
		x ^= result[c];
	printf("ms %ld threads %ld check %lx\n", (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000, n, x);
	return 0;
}
