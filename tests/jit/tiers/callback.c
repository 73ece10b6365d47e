/* A function given a callback (each: visit), always the same one but for
 * the last call: its tier-2 version is specialized on the callback, whose
 * calls are then direct and inlined, as clang cannot do for a callback
 * passed from another file (tests/boot/jit_callback.sh). The last call
 * passes another callback, which the guard must send to generic code; the
 * totals check both. */
#include <stdio.h>
#include <stdlib.h>

struct tally {
	long even, odd, sum;
};

static long count_even(long v, void *ctx)
{
	struct tally *t = ctx;
	if (v % 2 == 0)
		t->even++;
	t->sum += v % 1000;
	return v & 1;
}

static long count_odd(long v, void *ctx)
{
	struct tally *t = ctx;
	if (v % 2)
		t->odd++;
	return 1;
}

/* noinline: each keeps calls of its own, so that it has versions */
__attribute__((noinline)) static long each(const long *a, int n, long (*visit)(long, void *),
					   void *ctx)
{
	long r = 0;
	for (int i = 0; i < n; i++)
		r += visit(a[i], ctx);
	return r;
}

int main(int argc, char **argv)
{
	static long values[64];
	static struct tally t;
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 5000, r = 0;
	unsigned long seed = 11;
	for (long k = 0; k < rounds; k++) {
		for (int i = 0; i < 64; i++) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			values[i] = (long)(seed >> 35);
		}
		r += each(values, 64, count_even, &t);
	}
	r += each(values, 64, count_odd, &t);
	printf("%ld even, %ld odd, sum %ld, returned %ld\n", t.even, t.odd, t.sum, r);
	return 0;
}
