/*
 * Tier 0's inclusive cycles. outer() does a little work of its own and
 * calls work(), which does most of it; main calls outer. At tier 0 (run
 * with thresholds nothing reaches), a function's inclusive cycles are
 * exactly its own plus those of the functions its calls ran: outer's are
 * outer's and work's, main's everyone's. The results must be right
 * throughout.
 */
#include <stdio.h>
#include <stdlib.h>

long work(long x, int n)
{
	long s = x;
	for (int i = 0; i < n; i++)
		s = (s * 1103515245 + 12345) % 1000003;
	return s;
}

long outer(long x, int n)
{
	long s = 0;
	for (int i = 0; i < 8; i++)
		s += (x >> i) & 1;
	return s + work(x, n);
}

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 20000;
	long sum = 0;
	for (long i = 0; i < calls; i++)
		sum = (sum + outer(i, 1500 + (int)(i % 3))) % 1000000007;
	printf("outer %ld\n", sum);
	return 0;
}
