/* The floating-point exception flags are the program's own, as natively:
 * none set when main begins, and none set by the runtime's work on the
 * program's thread (its tier-up policy's arithmetic, LLVM's compiles)
 * while exact arithmetic runs hot. Then an inexact division sets inexact,
 * which stays, and nothing else appears. MXCSR's flags (SSE) and the x87
 * status word's are printed; a runtime that leaked its own flags (it
 * raises inexact loading and compiling the program) would differ. */
#include <stdio.h>

static unsigned sse_flags(void)
{
	return __builtin_ia32_stmxcsr() & 0x3f;
}

static unsigned x87_flags(void)
{
	unsigned short sw;
	__asm__ volatile("fnstsw %0" : "=m"(sw));
	return sw & 0x3f;
}

static void show(const char *when)
{
	unsigned sse = sse_flags(), x87 = x87_flags();
	printf("%s: sse %#x%s, x87 %#x\n", when, sse, sse & 0x20 ? " (inexact)" : "", x87);
}

/* Small integers only: every product and sum is exact. */
static double dot(const double *a, const double *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static double hot(int calls)
{
	double a[64], b[64], sum = 0;
	for (int i = 0; i < 64; i++) {
		a[i] = i % 7;
		b[i] = 3 - i % 5;
	}
	for (int c = 0; c < calls; c++) {
		a[c % 64] = (double)(c % 9);
		sum += dot(a, b, 64);
	}
	return sum;
}

int main(void)
{
	show("main begins");
	printf("exact sum %.1f\n", hot(30000));
	show("after exact arithmetic");
	volatile double third = 1.0;
	third /= 3.0;
	show("after 1.0 / 3.0");
	printf("exact sum %.1f\n", hot(30000));
	show("after more exact arithmetic");
	return 0;
}
