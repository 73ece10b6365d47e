/* Module-level assembly that defines no global symbol, only what the
 * inline assembly of hot functions uses: a macro, a constant (.equ) and a
 * local helper routine, plus a global alias made by .set for a C variable.
 * Every version of those functions is assembled with it (the JIT keeps it
 * in each module, as each file's object has it), and the alias is the
 * program's, not a missing name. */
#include <stdio.h>

__asm__(".macro add_step reg\n"
	"\taddl $STEP, \\reg\n"
	".endm\n"
	".equ STEP, 3\n");

int answer = 42;
extern int answer_alias;
__asm__(".set answer_alias, answer\n");

static int bump(int x)
{
	__asm__("add_step %0" : "+r"(x));
	return x;
}

static long twice_bump(long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += bump((int)(i & 15));
	return s;
}

int main(void)
{
	long total = 0;
	for (int round = 0; round < 200; round++)
		total += twice_bump(20000);
	printf("total %ld, alias %d\n", total, answer_alias);
	return 0;
}
