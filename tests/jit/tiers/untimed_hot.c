/* A small function without loops or calls, which tier 0 does not time,
 * called a few million times through a pointer (so that no caller's
 * version inlines it): the policy estimates its cycles from its size, and
 * must see that it pays for its compile on a slow machine as on a fast one
 * (tests/boot/jit_untimed_hot.sh). Prints a checksum of the calls. */
#include <stdio.h>
#include <stdlib.h>

unsigned mix(unsigned h, unsigned v)
{
	return (h ^ v) * 16777619u + (v >> 3);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	unsigned (*volatile step)(unsigned, unsigned) = mix;
	unsigned h = 2166136261u;
	for (long i = 0; i < n; i++)
		h = step(h, (unsigned)i);
	printf("%ld calls: %08x\n", n, h);
	return 0;
}
