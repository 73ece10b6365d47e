/*
 * A hot function with an argument that is the same at nearly every call: a
 * 1-D integer filter whose kernel width is a run-time argument, 3 at every
 * call but one in 64 (width 5). Knowing the width is 3, a compiler can
 * unroll the inner loop away and vectorize the outer one; ahead of time it
 * cannot know it.
 * usage: spec [LENGTH [PASSES]]   (defaults 100000 and 5000)
 */
#include <stdio.h>
#include <stdlib.h>

/* out[i] = (sum of in[i + j] * kernel[j] for j < width) >> shift, for the
 * n - width + 1 positions where the kernel fits. Not static: its callers
 * are not known ahead of time. */
void filter(int *out, const int *in, const int *kernel, int n, int width, int shift)
{
	for (int i = 0; i + width <= n; i++) {
		int s = 0;
		for (int j = 0; j < width; j++)
			s += in[i + j] * kernel[j];
		out[i] = s >> shift;
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	long passes = argc > 2 ? atol(argv[2]) : 5000;
	static const int k3[] = {3, 10, 3}, k5[] = {1, 4, 6, 4, 1};

	if (n < 8 || n > 100000000 || passes < 0) {
		fprintf(stderr, "usage: spec [LENGTH [PASSES]]\n");
		return 2;
	}
	int *a = malloc(sizeof *a * n), *b = malloc(sizeof *b * n);
	if (!a || !b) {
		fprintf(stderr, "spec: out of memory\n");
		return 1;
	}
	unsigned seed = 1;
	for (long i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		a[i] = (int)(seed >> 20); /* 0..4095 */
		b[i] = 0;
	}
	unsigned long long sum = 0;
	for (long p = 0; p < passes; p++) {
		/* Both kernels sum to 16: a shift of 4 keeps values in 0..4095. */
		int width = p % 64 == 63 ? 5 : 3;
		filter(b, a, width == 3 ? k3 : k5, (int)n, width, 4);
		/* The last width - 1 positions keep their old values; refresh one
		 * input value per pass so that no pass repeats the one before. */
		b[p % n] ^= (int)(p & 1023);
		int *t = a;
		a = b;
		b = t;
		sum = sum * 31 + (unsigned)a[p % n];
	}
	for (long i = 0; i < n; i++)
		sum += (unsigned long long)a[i] * (unsigned long long)(i % 13 + 1);
	printf("spec length=%ld passes=%ld checksum %llu\n", n, passes, sum);
	free(a);
	free(b);
	return 0;
}
