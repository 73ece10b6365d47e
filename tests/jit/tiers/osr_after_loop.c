/*
 * main runs a loop (A) long enough to ask for OSR code, sleeps while the
 * code is compiled in the background, then runs a nest whose inner loop
 * runs twice an iteration. A ended before its code went in, so the nest
 * runs at tier 0 and must get OSR code of its own, in the same call. A
 * header without code waits a few headers after a loop's code goes in
 * (runtime/prof/policy.c, osr_elsewhere), for a nest's inner loop to enter
 * it; that wait must end when the headers alternate between the nest's two
 * loops, neither with code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long t[1 << 16];

int main(int argc, char **argv)
{
	long na = argc > 1 ? atol(argv[1]) : 3000000, rounds = argc > 2 ? atol(argv[2]) : 4000000;
	for (long i = 0; i < na; i++)
		t[i & 0xffff] = (t[(i * 7) & 0xffff] ^ i) * 3 + 1;
	usleep(300000);
	long s = 0;
	for (long r = 0; r < rounds; r++)
		for (int j = 0; j < 2; j++)
			s += (t[(r * 2 + j) & 0xffff] ^ r) % 1009;
	printf("%ld\n", s);
	return 0;
}
