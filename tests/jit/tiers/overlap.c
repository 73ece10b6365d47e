/*
 * The no-overlap specialization's guard: step() reads in[0..n] and writes
 * out[0..n-1]. Run with --thresholds 100,1000000,1000,2000000, tier 2
 * comes at call 1000, specialized on n = 64, its two pointers taken as
 * not overlapping, which the guard checks call by call. The first 3000
 * calls pass two heap arrays apart; then come 300 calls each with out =
 * in + 1, out = in + 64 (only in[64], read last, is out[0]), out = in - 1,
 * and out = in + 65 (apart, just): the first three kinds must miss the
 * guard (900 misses, short of the 1000 after which generic code would
 * replace it) and compute what C says, reading what the call itself just
 * wrote; the last must not. The results must be right throughout.
 * usage: overlap [ROUNDS]: the apart calls 3000 * ROUNDS times (default
 * 1), enough for the default policy to specialize step too (export.sh).
 */
#include <stdio.h>
#include <stdlib.h>

void step(unsigned *out, const unsigned *in, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = in[i] * 3u + (in[i + 1] >> 1) + 1u;
}

static unsigned sum(const unsigned *a, int n)
{
	unsigned s = 0;
	for (int i = 0; i < n; i++)
		s = s * 31u + a[i];
	return s;
}

int main(int argc, char **argv)
{
	enum { N = 64, SIZE = 4 * N };
	unsigned *a = malloc(SIZE * sizeof *a), *b = malloc(SIZE * sizeof *b);
	if (!a || !b)
		return 1;
	for (int i = 0; i < SIZE; i++)
		a[i] = (unsigned)i * 2654435761u, b[i] = (unsigned)i;
	long rounds = argc > 1 ? atol(argv[1]) : 1;
	for (long r = 0; r < 3000 * rounds; r++)
		step(r % 2 ? a : b, r % 2 ? b : a, N);
	printf("apart: %u %u\n", sum(a, SIZE), sum(b, SIZE));
	static const int shift[] = {1, N, -1, N + 1};
	for (int k = 0; k < 4; k++) {
		unsigned *in = a + N + 8;
		for (int r = 0; r < 300; r++)
			step(in + shift[k], in, N);
		printf("out = in %+d: %u\n", shift[k], sum(a, SIZE));
	}
	free(a);
	free(b);
	return 0;
}
