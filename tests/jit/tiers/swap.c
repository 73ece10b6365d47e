/*
 * Code swapped while it runs: a recursive function tiers up while deep
 * frames of its older code are still live and return into it; a function
 * called through a pointer and from qsort (libc calling back) tiers up
 * between calls; main's own long loop moves to optimized code (OSR) in the
 * middle of its one call. Every phase prints a checksum, compared with the
 * same program compiled ahead of time.
 */
#include <stdio.h>
#include <stdlib.h>

long walk(long n, long acc)
{
	if (n <= 0)
		return acc;
	return walk(n - 1, (acc * 1103515245 + n) % 2147483647) + (n & 3);
}

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static long mix(long v)
{
	return (v ^ (v >> 13)) * 0x5bd1e995 % 1000000007;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 40000000;
	long (*f)(long) = mix;
	long sum = 0;

	for (int r = 0; r < 40; r++) /* 40 x 200 deep: tier-ups mid-recursion */
		sum += walk(200, r);
	printf("walk %ld\n", sum);

	long a[512];
	for (int r = 0; r < 30; r++) {
		for (int i = 0; i < 512; i++)
			a[i] = f(i * 7919 + r);
		qsort(a, 512, sizeof a[0], cmp);
		sum = sum * 31 + a[r] + a[511 - r];
	}
	printf("sort %ld\n", sum);

	double x = 0; /* main's loop: OSR */
	unsigned long h = 0;
	for (long i = 0; i < iters; i++) {
		x += (double)(i % 97) * 0.25;
		h = h * 1099511628211 + (i & 255);
	}
	printf("loop %.2f %lu\n", x, h);
	return 0;
}
