/* A hot function whose arguments are the same on every call (n and k):
 * what the JIT specializes, for the code cache's and the appliance's
 * tests. usage: scale [N [REPS]]; exits with the total modulo 7. */
#include <stdio.h>
#include <stdlib.h>

long scale(const int *a, int n, int k)
{
	long s = 0;
	for (int i = 0; i < n; i++)
		s += (long)a[i] * k + (i & 7);
	return s;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 512, reps = argc > 2 ? atoi(argv[2]) : 20000;
	int *a = malloc(sizeof *a * (size_t)n);
	long total = 0;
	for (int i = 0; i < n; i++)
		a[i] = i * 3 - 7;
	for (int r = 0; r < reps; r++)
		total += scale(a, n, 3) % 1000003;
	printf("n=%d reps=%d total=%ld\n", n, reps, total);
	return (int)(total % 7);
}
