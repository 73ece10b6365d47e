/*
 * A large function run often: run_block, a register machine's interpreter
 * of 96 opcodes written out case by case (some 5,000 IR instructions
 * unoptimized, as a decompressor's or an emulator's main function is), is
 * called for every block of a pseudo-random program. Under the adaptive
 * policy it must go to tier 1 (the quick tier) before any -O3; called once
 * for all the blocks (once), its loop must enter tier 1's OSR code. Its
 * loop iterations are its own: 4,097 a block (the header's last test
 * included), whatever tier 1 inlines.
 * usage: large [BLOCKS [once]]   (default 4000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vm {
	unsigned long r[8];
	unsigned long acc;
	unsigned long steps;
};

/* A helper with a loop of its own, small enough for tier 1 to inline: its
 * iterations are not run_block's. */
static unsigned long ones(unsigned long x)
{
	unsigned long c = 0;
	while (x) {
		x &= x - 1;
		c++;
	}
	return c;
}

#define OP(k)                                                                                      \
	case k:                                                                                    \
		v->r[(k) % 8] = (v->r[((k) + 1) % 8] * (2 * (k) + 1)) ^                            \
				(v->r[((k) + 3) % 8] >> ((k) % 13 + 1));                           \
		v->r[((k) + 5) % 8] += (k) * 0x9e3779b9ul;                                         \
		if (v->r[(k) % 8] & (1ul << ((k) % 7)))                                            \
			v->acc += v->r[(k) % 8] & 0xff;                                            \
		else                                                                               \
			v->acc += ones(v->r[((k) + 2) % 8] & 0xfff);                               \
		break;
#define OP8(k) OP(k) OP(k + 1) OP(k + 2) OP(k + 3) OP(k + 4) OP(k + 5) OP(k + 6) OP(k + 7)

void run_block(struct vm *v, const unsigned char *code, long n, int size)
{
	for (long i = 0; i < n; i++) {
		switch (code[i % size] % 96) {
			OP8(0)
			OP8(8)
			OP8(16)
			OP8(24)
			OP8(32)
			OP8(40)
			OP8(48)
			OP8(56)
			OP8(64)
			OP8(72)
			OP8(80)
			OP8(88)
		}
		v->steps++;
	}
}

int main(int argc, char **argv)
{
	long blocks = argc > 1 ? atol(argv[1]) : 4000;
	int once = argc > 2 && !strcmp(argv[2], "once");
	static unsigned char code[4096];
	unsigned seed = 2463534242u;
	struct vm v = {{1, 2, 3, 4, 5, 6, 7, 8}, 0, 0};
	unsigned long sum = 0;
	for (long b = 0; b < blocks && !once; b++) {
		for (int i = 0; i < (int)sizeof code; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			code[i] = (unsigned char)seed;
		}
		run_block(&v, code, (long)sizeof code, (int)sizeof code);
		sum = sum * 31 + v.acc;
	}
	if (once) {
		for (int i = 0; i < (int)sizeof code; i++)
			code[i] = (unsigned char)(i * 37 + i / 96);
		run_block(&v, code, blocks * (long)sizeof code, (int)sizeof code);
		sum = v.acc;
	}
	printf("large: %ld blocks, %lu steps, checksum %lu\n", blocks, v.steps, sum);
	return 0;
}
