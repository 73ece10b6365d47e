/*
 * A driver whose work is in a helper it calls in a loop: the helper has
 * no loop but is too large to go untimed, so tier 0 times it apart, and
 * the driver tiers up (by its loop) before the helper would (by its
 * calls). The driver is the helper's one caller, so the driver's versions
 * take in a private copy of it, which counts nothing: its cycles are the
 * driver's code's, which must be set against tier 0's cycles with the
 * helper's, not without (tests/boot/jit_report_saved.sh).
 */
#include <stdio.h>
#include <stdlib.h>

#define STEP(c) (x = (x ^ (x >> 29)) * (c) + (unsigned long)k)

__attribute__((noinline)) static unsigned long helper(unsigned long x, int k)
{
	STEP(0x9e3779b97f4a7c15ul);
	STEP(0xbf58476d1ce4e5b9ul);
	STEP(0x94d049bb133111ebul);
	STEP(0x2545f4914f6cdd1dul);
	STEP(0x9e3779b97f4a7c15ul);
	STEP(0xbf58476d1ce4e5b9ul);
	STEP(0x94d049bb133111ebul);
	STEP(0x2545f4914f6cdd1dul);
	STEP(0x9e3779b97f4a7c15ul);
	STEP(0xbf58476d1ce4e5b9ul);
	STEP(0x94d049bb133111ebul);
	STEP(0x2545f4914f6cdd1dul);
	return x;
}

static unsigned long driver(unsigned long seed, long n)
{
	unsigned long h = seed;
	for (long i = 0; i < n; i++)
		h ^= helper(h + (unsigned long)i, (int)(i & 7));
	return h;
}

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 200;
	unsigned long h = 0;
	for (long c = 0; c < calls; c++)
		h = driver(h + (unsigned long)c, 20000);
	printf("%lx\n", h);
	return 0;
}
