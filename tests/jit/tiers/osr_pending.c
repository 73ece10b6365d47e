/*
 * A function called twice: its first call runs long in a narrow loop nest,
 * its second in a wide one, whose inner loop runs 200 times between two
 * visits of the narrow nest's headers. The OSR code asked for in the first
 * call goes in during the second (tests/boot/jit_osr_pending.sh holds its
 * compile until the second call has begun): no code for the whole function
 * is asked for while it is on its way, and the second call enters it at
 * the narrow nest's next header.
 */
#include <stdio.h>
#include <stdlib.h>

static int v[1024];

__attribute__((noinline)) static long nest(long n, int wide)
{
	long s = 0;
	for (long o = 0; o < n; o++) {
		for (int a = 0; a < 4; a++)
			s += v[(o + a) & 1023] ^ a;
		if (wide)
			for (int d = 0; d < 200; d++)
				s += (long)v[(o * 7 + d) & 1023] * d;
	}
	return s;
}

int main(int argc, char **argv)
{
	char *end = "";
	long n = argc > 1 ? strtol(argv[1], &end, 10) : 0;
	if (*end || n <= 0)
		n = 100000; /* not a count (the tests that run every program here) */
	for (int i = 0; i < 1024; i++)
		v[i] = (int)((unsigned)i * 2654435761u >> 7 & 0xffff);
	printf("%ld\n", nest(n, 0));
	printf("%ld\n", nest(n / 8, 1));
	return 0;
}
