/*
 * Exact linear algebra as a number-theory or coding tool does it: random
 * matrices modulo 1e9+7, products checked by the determinant's
 * multiplicativity, high powers by squaring (det(A^e) = det(A)^e), and
 * the rank of a deliberately deficient matrix.
 * usage: matrix [SIZE [TRIALS]]   (defaults 96 and 12)
 */
#include <stdio.h>
#include <stdlib.h>

#include "matrix.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static int64_t random_residue(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (int64_t)((rng * 0x2545f4914f6cdd1dull) >> 11) % prime;
}

static int64_t pow_mod(int64_t b, uint64_t e)
{
	int64_t r = 1;
	for (b %= prime; e; e >>= 1, b = b * b % prime)
		if (e & 1)
			r = r * b % prime;
	return r;
}

static void fill(struct mat *m)
{
	for (long i = 0; i < (long)m->n * m->n; i++)
		m->a[i] = random_residue();
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 96;
	int trials = argc > 2 ? atoi(argv[2]) : 12;
	if (n < 2 || n > 2000 || trials < 0) {
		fprintf(stderr, "usage: matrix [SIZE [TRIALS]]\n");
		return 2;
	}
	struct mat a = mat_new(n), b = mat_new(n), c = mat_new(n);
	int failures = 0;
	int64_t fold = 0;
	for (int t = 0; t < trials; t++) {
		fill(&a);
		fill(&b);
		mat_mul_mod(&c, &a, &b);
		int64_t da = det_mod(&a), db = det_mod(&b), dc = det_mod(&c);
		failures += dc != da * db % prime;
		uint64_t e = 1000 + (uint64_t)t * 7919;
		mat_pow_mod(&c, &a, e);
		failures += det_mod(&c) != pow_mod(da, e);
		for (int j = 0; j < n; j++) /* last row = first + second: rank n - 1 */
			AT(&a, n - 1, j) = (AT(&a, 0, j) + AT(&a, 1, j)) % prime;
		failures += rank_mod(&a) != n - 1;
		fold = (fold * 1000003 + AT(&c, t % n, (t * 7) % n)) % prime;
	}
	printf("matrix: %dx%d, %d trials, %d failures, fold %lld\n", n, n, trials, failures,
	       (long long)fold);
	mat_free(&a);
	mat_free(&b);
	mat_free(&c);
	return failures != 0;
}
