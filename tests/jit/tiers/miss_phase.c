/*
 * A phase of other values after a long one: mix() is called 2,000,000
 * times with k = 3, then 200,000 times with k = 5. Its -O3 code is
 * specialized on k = 3 early in the first phase; every call of the second
 * misses the guard. The misses are a tenth of the calls since the guard
 * went in, and each is a short call, so neither the share of all calls
 * nor the misses' cycles ask for generic code for a long while: the
 * guard's looks must see that the calls since its last look all missed.
 */
#include <stdio.h>
#include <stdlib.h>

long mix(long x, int k)
{
	long s = x;
	for (int i = 0; i < k; i++)
		s = (s ^ (s >> 7)) * 31 + i;
	return s;
}

int main(int argc, char **argv)
{
	long first = argc > 1 ? atol(argv[1]) : 2000000, second = first / 10, sum = 0;
	for (long i = 0; i < first; i++)
		sum = (sum + mix(i, 3)) % 1000000007;
	printf("k=3: %ld\n", sum);
	for (long i = 0; i < second; i++)
		sum = (sum + mix(i, 5)) % 1000000007;
	printf("k=5: %ld\n", sum);
	return 0;
}
