/* OpenMP matrix multiply (gcc -fopenmp, libgomp linked statically): C = A B
 * for 384x384 doubles with `parallel for` over rows, timed around the
 * multiply; prints "ms N threads T check X". */
#include <omp.h>
#include <stdio.h>
#include <time.h>

#define N 384

static double a[N][N], b[N][N], c[N][N];

int main(void)
{
	struct timespec t0, t1;
	int threads = 0;

	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = (i * 7 + j) % 13 * 0.5;
			b[i][j] = (i + j * 3) % 11 * 0.25;
		}
	clock_gettime(CLOCK_MONOTONIC, &t0);
#pragma omp parallel
	{
#pragma omp single
		threads = omp_get_num_threads();
#pragma omp for
		for (int i = 0; i < N; i++)
			for (int k = 0; k < N; k++) {
				double aik = a[i][k];
				for (int j = 0; j < N; j++)
					c[i][j] += aik * b[k][j];
			}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double check = 0;
	for (int i = 0; i < N; i++)
		check += c[i][i];
	printf("ms %ld threads %d check %.1f\n",
	       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000, threads, check);
	return 0;
}
