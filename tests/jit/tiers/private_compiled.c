/* A byte-at-a-time state machine (step: no loops, called only from feed)
 * that reaches its own tier-up before its caller does; feed's version
 * must then take a private copy of it, as clang inlines a static function
 * called once, rather than call it through its stub per byte
 * (tests/boot/jit_private_compiled.sh). The totals check every state. */
#include <stdio.h>
#include <stdlib.h>

#include "machine.h"

static unsigned long feed(struct machine *m, const unsigned char *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		step(m, p[i]);
	return m->words;
}

int main(int argc, char **argv)
{
	static const char symbols[] = "abcdefghij0123456789 \n.,";
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000, seed = 7;
	unsigned char buf[64];
	struct machine m = {0};
	for (unsigned long r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < sizeof buf; i++) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			buf[i] = (unsigned char)symbols[(seed >> 33) % (sizeof symbols - 1)];
		}
		feed(&m, buf, sizeof buf);
	}
	printf("%lu words, %lu numbers summing to %lu, %lu lines, checksum %lu\n", m.words,
	       m.numbers, m.sum, m.lines, m.checksum);
	return 0;
}
