/* Non-local jumps: longjmp out of nested calls, back into a loop, with
 * volatile locals that keep their values, and an error-recovery pattern. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf top;
static jmp_buf retry;
static int depth_reached;

static void dive(int depth, int limit)
{
	char pad[256];
	pad[0] = (char)depth;
	depth_reached = depth + pad[0] - depth;
	if (depth == limit)
		longjmp(top, depth);
	dive(depth + 1, limit);
	printf("never printed\n");
}

/* A parser that bails out with longjmp on bad input. */
static jmp_buf parse_error;
static int parse_digit(char c)
{
	if (c < '0' || c > '9')
		longjmp(parse_error, c);
	return c - '0';
}

static long parse_number(const char *s)
{
	long v = 0;
	for (; *s; s++)
		v = v * 10 + parse_digit(*s);
	return v;
}

static void try_parse(const char *s)
{
	int bad = setjmp(parse_error);
	if (bad) {
		printf("parse '%s': bad character '%c'\n", s, bad);
		return;
	}
	printf("parse '%s' = %ld\n", s, parse_number(s));
}

int main(void)
{
	volatile int attempts = 0;
	int r = setjmp(top);
	if (r == 0) {
		dive(0, 50);
	} else {
		printf("longjmp from depth %d (reached %d)\n", r, depth_reached);
	}

	if (setjmp(retry) < 3) {
		attempts++;
		printf("attempt %d\n", attempts);
		if (attempts < 3)
			longjmp(retry, attempts);
	}
	printf("after %d attempts\n", attempts);

	try_parse("12345");
	try_parse("12x45");
	try_parse("007");
	try_parse("9-");

	/* longjmp with 0 arrives as 1 */
	jmp_buf z;
	volatile int seen = 0;
	int v = setjmp(z);
	if (!seen) {
		seen = 1;
		longjmp(z, 0);
	}
	printf("longjmp(0) arrives as %d\n", v);
	return 0;
}
