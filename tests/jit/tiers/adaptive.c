/*
 * The adaptive policy (no --thresholds). brief() is called 3000 times but
 * runs for a few cycles each: compiling it would cost more than all its
 * calls, so it stays at tier 0 although it passes the first checkpoint
 * (200 calls). heavy() runs long: its first call moves to -O3 by OSR, its
 * next calls enter that code, and a few calls later it gets generic -O3
 * code from the entry (with no -O2 stop between), which goes on profiling
 * its arguments; it is always passed the same
 * table (a pointer into a program variable), the same length and the same
 * double, so once enough calls are profiled a version specialized on all
 * three goes in front of it. The results must be right throughout.
 */
#include <stdio.h>
#include <stdlib.h>

static long table[64];

static long brief(long x)
{
	return x * 3 + 1;
}

long heavy(const long *t, int n, double scale, long rounds)
{
	long s = 0;
	for (long r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++)
			s += (long)((double)(t[i] ^ r) * scale) % 1009;
	return s;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 400000;
	long sum = 0;
	for (int i = 0; i < 64; i++)
		table[i] = (long)i * 2654435761u % 100003;
	for (long i = 0; i < 3000; i++)
		sum += brief(i);
	printf("brief %ld\n", sum);
	sum = heavy(table, 64, 1.5, rounds);
	for (int call = 1; call < 64; call++)
		sum = sum * 31 % 1000003 + heavy(table, 64, 1.5, rounds / 8);
	printf("heavy %ld\n", sum);
	return 0;
}
