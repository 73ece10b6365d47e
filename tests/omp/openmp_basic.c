/* OpenMP (libgomp, linked statically): parallel for, reduction, critical,
 * atomic and a barrier inside a parallel region, with four threads;
 * printed after the regions, so the output is the same whatever the
 * interleaving. Built with gcc -fopenmp by the tests that run it. */
#include <omp.h>
#include <stdio.h>

#define N 200000

static double a[N], b[N];

int main(void)
{
	long sum = 0, crit = 0, atom = 0;
	int threads = 0, after_barrier = 0;

	omp_set_num_threads(4);
#pragma omp parallel for
	for (int i = 0; i < N; i++) {
		a[i] = i * 0.5;
		b[i] = N - i;
	}
#pragma omp parallel for reduction(+ : sum)
	for (int i = 0; i < N; i++)
		sum += (long)(a[i] * 2) + (long)b[i];
#pragma omp parallel
	{
#pragma omp single
		threads = omp_get_num_threads();
		for (int i = 0; i < 1000; i++) {
#pragma omp critical
			crit++;
#pragma omp atomic
			atom += 2;
		}
#pragma omp barrier
#pragma omp critical
		after_barrier += crit == 1000L * threads;
	}
	double dot = 0;
#pragma omp parallel for reduction(+ : dot) schedule(dynamic, 1000)
	for (int i = 0; i < N; i++)
		dot += a[i] * 1e-6;
	printf("threads %d\n", threads);
	printf("reduction sum %ld (want %ld)\n", sum, (long)N * N);
	printf("critical %ld, atomic %ld, all saw the full count after the barrier: %s\n", crit, atom,
	       after_barrier == threads ? "yes" : "no");
	printf("dynamic dot %.3f\n", dot);
	return 0;
}
