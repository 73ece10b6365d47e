/*
 * copybw: memory bandwidth as STREAM measures it, on arrays far larger than
 * the caches: "copy" (a[i] = b[i], counted as the bytes read plus the bytes
 * written) and "read" (a sum over one array in sixteen running sums,
 * counted as the bytes read: what a memory-bound matrix-vector product does
 * with its weights). The best of five passes, in GB/s (10^9 bytes).
 * usage: copybw [MiB]   (default 256, per array)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* four doubles as one value (clang's vector extension), so that the sum is
 * not one chain of dependent additions */
typedef double f64x4 __attribute__((vector_size(32), aligned(8)));

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 256;
	if (mib <= 0) {
		fprintf(stderr, "usage: copybw [MiB]\n");
		return 2;
	}
	size_t n = (size_t)mib << 20 >> 3;
	double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
	if (!a || !b) {
		fprintf(stderr, "copybw: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		a[i] = 0, b[i] = (double)i;
	double copy = 0, read = 0, sink = 0;
	for (int pass = 0; pass < 5; pass++) {
		double t = now();
		for (size_t i = 0; i < n; i++)
			a[i] = b[i];
		t = now() - t;
		if (2.0 * n * sizeof(double) / t > copy)
			copy = 2.0 * n * sizeof(double) / t;
		t = now();
		f64x4 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
		for (size_t i = 0; i + 16 <= n; i += 16) {
			s0 += *(const f64x4 *)(a + i);
			s1 += *(const f64x4 *)(a + i + 4);
			s2 += *(const f64x4 *)(a + i + 8);
			s3 += *(const f64x4 *)(a + i + 12);
		}
		t = now() - t;
		s0 += s1 + s2 + s3;
		sink += s0[0] + s0[1] + s0[2] + s0[3];
		if ((double)n * sizeof(double) / t > read)
			read = (double)n * sizeof(double) / t;
	}
	printf("copy %.2f GB/s\nread %.2f GB/s\n", copy / 1e9, read / 1e9);
	return sink == 42; /* keeps the sums */
}
