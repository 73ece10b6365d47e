/*
 * Tier-ups at the configured thresholds, counted: step() is called exactly
 * 300 times and has no loop, so only its call count can move it. Run with
 * --thresholds 100,1000000,250,2000000, its profile must show tier 1 from
 * call 100 and tier 2 from call 250, and 250 calls counted (a function this
 * cheap gets an -O3 version that counts nothing). Each call's result goes
 * into the output, so the code swaps also have to keep it right.
 */
#include <stdio.h>

long step(long x, long i)
{
	return x * 31 + (i ^ (x >> 7));
}

int main(void)
{
	long x = 1;
	for (long i = 0; i < 300; i++) {
		x = step(x, i) % 1000003;
		if (i % 50 == 49)
			printf("call %ld: %ld\n", i + 1, x);
	}
	return (int)(x % 100);
}
