/* A program's floating-point environment is its own while the runtime
 * works on its thread: with every SSE exception unmasked (a trap on any
 * inexact result) and rounding upward, hot integer code that tiers up
 * must not trap in the runtime's own arithmetic or in LLVM, and the
 * program's rounding must still round its own arithmetic upward after. */
#include <fenv.h>
#include <stdio.h>

static unsigned long mix(unsigned long x)
{
	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ul;
	return x ^ (x >> 29);
}

int main(void)
{
	unsigned long h = 1;
	fesetround(FE_UPWARD);
	/* MXCSR: exception masks (bits 7-12) all clear, upward rounding */
	unsigned csr = (__builtin_ia32_stmxcsr() & ~0x1f80u & ~0x3fu) | 0x4000u;
	__builtin_ia32_ldmxcsr(csr);
	for (int i = 0; i < 3000000; i++)
		h = mix(h + (unsigned long)i);
	unsigned after = __builtin_ia32_stmxcsr();
	__builtin_ia32_ldmxcsr(0x1f80 | 0x4000); /* masked again, still upward */
	volatile double one = 1.0, three = 3.0;
	double third = one / three;
	printf("hash %lx\n", h);
	printf("masks kept clear: %s, rounding kept upward: %s, flags raised: %#x\n",
	       (after & 0x1f80u) == 0 ? "yes" : "no", (after & 0x6000u) == 0x4000u ? "yes" : "no",
	       after & 0x3fu);
	printf("1/3 rounded up: %s\n", third > 0.33333333333333331 ? "yes" : "no");
	fesetround(FE_TONEAREST);
	return 0;
}
