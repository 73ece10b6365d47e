/* Thread-local variables under the JIT (emulated: runtime/tls.c), with
 * threads: each of 4 threads counts in its own copies (a scalar, an array
 * with an initial value, a struct), which start from the initial values
 * whatever the others did; errno stays per thread. The main thread's
 * copies are untouched. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static __thread int count = 100;
__thread long hist[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static __thread struct { char name[16]; double sum; } who = {"initial", 0.5};

static long work(int id, int n)
{
	for (int i = 0; i < n; i++) {
		count += id;
		hist[(i * (id + 1)) & 7] += i;
		who.sum += id * 0.25;
	}
	snprintf(who.name, sizeof who.name, "thread %d", id);
	errno = 1000 + id;
	long h = 0;
	for (int k = 0; k < 8; k++)
		h = h * 31 + hist[k];
	return h + count;
}

static long result[4];
static char names[4][16];
static double sums[4];
static int errs[4];

static void *run(void *arg)
{
	int id = (int)(long)arg;
	result[id] = work(id + 1, 200000 + id * 1000);
	memcpy(names[id], who.name, 16);
	sums[id] = who.sum;
	errs[id] = errno;
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	errno = 7;
	for (long i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, run, (void *)i))
			return 1;
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		printf("%d: %ld %s %.2f errno %d\n", i, result[i], names[i], sums[i], errs[i]);
	printf("main: count %d hist[3] %ld %s %.2f errno %d\n", count, hist[3], who.name, who.sum, errno);
	printf("main work: %ld\n", work(9, 1000));
	return 0;
}
