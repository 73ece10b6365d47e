/* A hot function calls a small function (wrap) that has two callers and
 * is offered to hot's versions for inlining; wrap's own helper (mix) has
 * one caller, wrap, and is too large to be inlined without the bonus a
 * static function called once gets (tests/boot/jit_single_calls.sh). */
#include <stdio.h>
#include <stdlib.h>

static unsigned mix(unsigned x, unsigned k)
{
	unsigned h = x ^ k;
	for (int r = 0; r < 4; r++) {
		h ^= h >> 16;
		h *= 0x7feb352dU;
		h ^= h >> 15;
		h *= 0x846ca68bU;
		h ^= h >> 16;
		if (h & 1)
			h += k * 3 + (unsigned)r;
		else
			h -= k ^ (unsigned)r;
		if ((h & 6) == 6)
			h = (h << 3) | (h >> 29);
		else if (h & 8)
			h = (h << 7) | (h >> 25);
		else
			h ^= 0x9e3779b9U + (h << 6) + (h >> 2);
		k = k * 0x27d4eb2dU + h;
	}
	return h;
}

unsigned wrap(unsigned x, unsigned k)
{
	return mix(x, k) + 1;
}

unsigned hot(unsigned n, unsigned k)
{
	unsigned s = 0;
	for (unsigned i = 0; i < n; i++)
		s += wrap(i, k);
	return s;
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 10000, s = wrap(7, 3);
	for (unsigned r = 0; r < rounds; r++)
		s ^= hot(1, r);
	printf("%u\n", s);
	return 0;
}
