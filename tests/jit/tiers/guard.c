/*
 * A specialization guard: scale() is called 3000 times with k = 7, then
 * 3000 times with k = 9, then 3000 times with k = 7 again. Run with
 * --thresholds 100,1000000,1000,2000000, tier 2 comes at call 1000, while k
 * is 7, so it is specialized on k = 7; the calls with k = 9 fail its guard
 * and run the generic code. At the 1000th miss (call 4000), a quarter of
 * the calls since have missed, so generic -O3 code replaces the guard. The
 * results must be right throughout.
 */
#include <stdio.h>

long scale(long x, int k)
{
	long s = 0;
	for (int i = 0; i < k; i++)
		s += (x >> i) ^ (i * k);
	return s;
}

int main(void)
{
	long sum = 0;
	for (int phase = 0; phase < 3; phase++) {
		int k = phase == 1 ? 9 : 7;
		for (long i = 0; i < 3000; i++)
			sum = (sum * 7 + scale(i * 2654435761u, k)) % 1000000007;
		printf("phase %d (k=%d): %ld\n", phase, k, sum);
	}
	return 0;
}
