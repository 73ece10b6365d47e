/*
 * A long loop in a function called a few times (mix): tier 0 compiles OSR
 * code for the loop in the first call, and the later calls enter that code
 * as they reach the loop, so compiling the whole function again for them
 * would gain next to nothing. A recursive one (walk) whose OSR code calls
 * it again thousands of times must still get its entry compiled: those
 * calls run tier-0 code (tests/boot/jit_osr_then_calls.sh).
 */
#include <stdio.h>
#include <stdlib.h>

static unsigned long mix(const unsigned *a, long n, unsigned long seed)
{
	unsigned long h = seed;
	for (long i = 0; i < n; i++)
		h = (h ^ a[i % 4096]) * 0x100000001b3ul + (unsigned long)i;
	return h;
}

static unsigned long walk(int depth, long n)
{
	unsigned long h = (unsigned long)depth;
	for (long i = 0; i < n; i++) {
		h = (h ^ (unsigned long)i) * 0x100000001b3ul;
		if (depth > 0 && i % 16 == 0)
			h ^= walk(depth - 1, n);
	}
	return h;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000000;
	static unsigned a[4096];
	for (int i = 0; i < 4096; i++)
		a[i] = (unsigned)i * 2654435761u;
	unsigned long h = 0;
	for (int call = 0; call < 4; call++)
		h ^= mix(a, n, (unsigned long)call);
	h ^= walk(0, n);
	for (int r = 0; r < 300; r++)
		h ^= walk(4, 64);
	printf("%lx\n", h);
	return 0;
}
