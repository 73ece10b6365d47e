/*
 * Functions with calling conventions other than C's: preserve_none passes
 * its 11th integer argument in r11, a register C keeps for scratch, which
 * a stub's jump would overwrite; regcall passes more arguments in
 * registers than C. Called often, directly and through function pointers,
 * beside an ordinary function of the same shape that the tiers do
 * recompile, so that each is still right after the others changed code.
 */
#include <stdio.h>

typedef long __attribute__((regcall))
regcall_fn(long, long, long, long, long, long, long, long, long, long, long);
typedef long __attribute__((preserve_none))
none_fn(long, long, long, long, long, long, long, long, long, long, long);
typedef long plain_fn(long, long, long, long, long, long, long, long, long, long, long);

__attribute__((regcall, noinline)) long weigh_regcall(long a, long b, long c, long d, long e,
						      long f, long g, long h, long i, long j,
						      long k)
{
	return a + 2 * b + 3 * c + 5 * d + 7 * e + 11 * f + 13 * g + 17 * h + 19 * i + 23 * j +
	       29 * k;
}

__attribute__((preserve_none, noinline)) long
weigh_none(long a, long b, long c, long d, long e, long f, long g, long h, long i, long j, long k)
{
	return a + 2 * b + 3 * c + 5 * d + 7 * e + 11 * f + 13 * g + 17 * h + 19 * i + 23 * j +
	       29 * k;
}

__attribute__((noinline)) long weigh_plain(long a, long b, long c, long d, long e, long f, long g,
					   long h, long i, long j, long k)
{
	return a + 2 * b + 3 * c + 5 * d + 7 * e + 11 * f + 13 * g + 17 * h + 19 * i + 23 * j +
	       29 * k;
}

static regcall_fn *volatile by_pointer = weigh_regcall;
static none_fn *volatile none_pointer = weigh_none;
static plain_fn *volatile plain_pointer = weigh_plain;

int main(void)
{
	unsigned long direct = 0, indirect = 0, none = 0, plain = 0;
	int wrong = 0;
	for (long n = 0; n < 300000; n++) {
		long x = n % 1009;
		long r = weigh_regcall(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8,
				       x + 9, x + 10);
		long p = by_pointer(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8,
				    x + 9, x + 10);
		long s = weigh_none(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8,
				    x + 9, x + 10) +
			 none_pointer(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8,
				      x + 9, x + 10);
		long q = plain_pointer(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7, x + 8,
				       x + 9, x + 10);
		wrong += r != q || p != q || s != 2 * q;
		direct += (unsigned long)r;
		indirect += (unsigned long)p;
		none += (unsigned long)s;
		plain += (unsigned long)q;
	}
	printf("regcall %lu, through a pointer %lu, preserve_none twice %lu, C %lu, calls that "
	       "disagree %d\n",
	       direct, indirect, none, plain, wrong);
	return wrong != 0;
}
