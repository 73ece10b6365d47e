/*
 * BareFlow's main demo (`make run`): a small numeric workload run under the
 * self-optimizing runtime, bare-metal. Each part gives the tiers something
 * to do:
 *   - poly(): a polynomial of run-time degree, called 60,000 times, always
 *     with degree 8 and the same coefficients: once it has run a quarter
 *     as long as its compile is predicted to take, -O3 specialized on
 *     both;
 *   - matmul(): a run-time-sized matrix product, called 40 times: too
 *     little work in all to pay for a compile, so it stays at tier 0;
 *   - main's own long loop, run once, moved to -O3 code mid-call (OSR).
 * usage: demo [SAMPLES]   (default 20000000, for main's loop)
 */
#include <stdio.h>
#include <stdlib.h>

double poly(double x, const double *coef, int degree)
{
	double y = 0;
	for (int i = degree; i >= 0; i--)
		y = y * x + coef[i];
	return y;
}

void matmul(double *c, const double *a, const double *b, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			double s = 0;
			for (int k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			c[i * n + j] = s;
		}
}

int main(int argc, char **argv)
{
	long samples = argc > 1 ? atol(argv[1]) : 20000000;
	enum { N = 32 };
	static double a[N * N], b[N * N], c[N * N];
	static const double coef[9] = {1,	   -1,	      0.5,	   -1.0 / 6,   1.0 / 24,
				       -1.0 / 120, 1.0 / 720, -1.0 / 5040, 1.0 / 40320};

	double area = 0; /* the integral of exp(-x) over [0, 1], by poly */
	for (int i = 0; i < 60000; i++)
		area += poly((i + 0.5) / 60000, coef, 8) / 60000;
	printf("integral of exp(-x) on [0,1]: %.6f\n", area);

	for (int i = 0; i < N * N; i++)
		a[i] = (i % 5) - 2, b[i] = (i % 3) - 1;
	double trace = 0;
	for (int r = 0; r < 40; r++) {
		matmul(c, a, b, N);
		for (int i = 0; i < N; i++)
			trace += c[i * N + i];
		a[r % (N * N)] += 1;
	}
	printf("matrix trace sum: %.0f\n", trace);

	/* main's own long loop: a Monte Carlo estimate of pi */
	unsigned long long seed = 42, inside = 0;
	for (long i = 0; i < samples; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		double x = (double)(seed >> 40) / (double)(1ull << 24);
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		double y = (double)(seed >> 40) / (double)(1ull << 24);
		inside += x * x + y * y <= 1.0;
	}
	printf("pi is about %.4f (%ld samples)\n", 4.0 * (double)inside / (double)samples, samples);
	return 0;
}
