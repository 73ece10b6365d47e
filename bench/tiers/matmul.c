/*
 * The reference workload: a run-time-sized matrix product and an axpy
 * update over its result, each repetition.
 * usage: matmul [N [REPS]]   (defaults 96 and 6000)
 *
 * c = a * b for n x m and m x k matrices (here all N x N), then
 * acc += alpha * c with alpha in -1..2, then one element of a changes so
 * that no repetition is like the one before. Every value is a small integer,
 * so each product and sum is exact in a double whether or not the compiler
 * fuses them (FMA) or vectorizes: the checksum is the same on every CPU and
 * at every optimization level.
 */
#include <stdio.h>
#include <stdlib.h>

/* Not static, sizes as plain arguments: nothing here is specialized ahead
 * of time. */
void matmul(double *c, const double *a, const double *b, int n, int m, int k)
{
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < k; j++)
			c[i * k + j] = 0;
		for (int p = 0; p < m; p++) {
			double x = a[i * m + p];
			for (int j = 0; j < k; j++)
				c[i * k + j] += x * b[p * k + j];
		}
	}
}

void axpy(double *y, const double *x, double alpha, int n)
{
	for (int i = 0; i < n; i++)
		y[i] += alpha * x[i];
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 96;
	long reps = argc > 2 ? atol(argv[2]) : 6000;

	if (n < 1 || n > 2000 || reps < 0) {
		fprintf(stderr, "usage: matmul [N [REPS]]\n");
		return 2;
	}
	double *a = malloc(sizeof(double) * n * n);
	double *b = malloc(sizeof(double) * n * n);
	double *c = malloc(sizeof(double) * n * n);
	double *acc = calloc((size_t)n * n, sizeof(double));
	if (!a || !b || !c || !acc) {
		fprintf(stderr, "matmul: out of memory\n");
		return 1;
	}
	unsigned seed = 12345;
	for (int i = 0; i < n * n; i++) {
		seed = seed * 1103515245u + 12345u;
		a[i] = (double)((seed >> 16) % 8);
		seed = seed * 1103515245u + 12345u;
		b[i] = (double)((seed >> 16) % 8) - 3;
	}
	for (long r = 0; r < reps; r++) {
		matmul(c, a, b, n, n, n);
		axpy(acc, c, (double)(r % 4) - 1, n * n);
		long at = r * 7919 % ((long)n * n);
		a[at] = (double)(((long)a[at] + 3) % 8);
	}
	long long sum = 0;
	for (int i = 0; i < n * n; i++)
		sum += (long long)acc[i] * (i % 7 + 1);
	printf("matmul n=%d reps=%ld checksum %lld\n", n, reps, sum);
	free(a);
	free(b);
	free(c);
	free(acc);
	return 0;
}
