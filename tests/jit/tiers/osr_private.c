/* main's loop, entered once, goes to -O3 by OSR; each round calls step, a
 * byte-at-a-time state machine without loops that only main calls, and
 * that gets -O3 code counting nothing (final) long before the loop asks
 * for OSR: the OSR code must take a private copy of it and inline it, as
 * clang inlines a static function called once, rather than call it
 * through its stub per byte (tests/boot/jit_private_compiled.sh). The
 * totals check every state. */
#include <stdio.h>
#include <stdlib.h>

#include "machine.h"

int main(int argc, char **argv)
{
	static const char symbols[] = "abcdefghij0123456789 \n.,";
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000, seed = 7;
	struct machine m = {0};
	for (unsigned long r = 0; r < n; r++) {
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		step(&m, (unsigned char)symbols[(seed >> 33) % (sizeof symbols - 1)]);
	}
	printf("%lu words, %lu numbers summing to %lu, %lu lines, checksum %lu\n", m.words,
	       m.numbers, m.sum, m.lines, m.checksum);
	return 0;
}
