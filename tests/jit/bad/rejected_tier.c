/*
 * Code that tier 0 runs but LLVM rejects at a higher tier: op_bad calls a
 * function declared with __attribute__((error)), which the code generator
 * reports only for a direct call, and tier 0 calls through its slots. The
 * tier-up fails and op_bad keeps its tier-0 code: said once, not again at
 * each OSR attempt of its loop or in each batch it could join; the other
 * handlers, called through the same table, still tier up, and the output
 * is right. Built with -DORACLE (no attribute) natively for the expected
 * output.
 */
#include <stdio.h>

#ifdef ORACLE
#define FORBIDDEN __attribute__((noinline))
#else
#define FORBIDDEN __attribute__((noinline, error("never call this from optimized code")))
#endif

static FORBIDDEN long forbidden(long x)
{
	return x ^ 0x5a5a;
}

static long op_add(long a, long b) { return a + b; }
static long op_sub(long a, long b) { return a - b; }
static long op_mul(long a, long b) { return a * (b | 1); }
static long op_xor(long a, long b) { return a ^ b; }
static long op_shl(long a, long b) { return a << (b & 7); }

static long op_bad(long a, long b)
{
	long s = forbidden(a);
	for (int k = 0; k < 8; k++)
		s = s * 31 + (b >> k);
	return s;
}

static long (*const ops[])(long, long) = {
    op_add, op_sub, op_mul, op_xor, op_shl, op_add, op_sub, op_mul, op_xor, op_shl, op_bad,
};

int main(void)
{
	long acc = 1;
	for (long i = 0; i < 2000000; i++)
		acc = ops[i % 11](acc, i) % 1000000007;
	printf("%ld\n", acc);
	return 0;
}
