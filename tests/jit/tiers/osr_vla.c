/*
 * main, as numeric programs write it: a grid of a size read at run time,
 * a variable-length array declared after a loop, then rounds of a
 * stencil over it. Unoptimized code keeps the array's address and its row
 * size in registers, not in local variables, so OSR code entering the
 * stencil must be given them by the tier-0 call (runtime/jit/ir.c,
 * ir_osr_live_ins): without, main ran at tier 0 to the end.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200, rounds = argc > 2 ? atoi(argv[2]) : 100;
	if (n < 3 || rounds < 1)
		return 2;
	long seed = 1;
	for (int k = 0; k < 1000; k++)
		seed = seed * 6364136223846793005L + 1442695040888963407L;
	long a[n][n];
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			a[i][j] = (seed >> ((i * 7 + j) & 31)) & 1023;
	long s = 0;
	for (int r = 0; r < rounds; r++)
		for (int i = 1; i < n - 1; i++)
			for (int j = 1; j < n - 1; j++) {
				a[i][j] = (a[i - 1][j] + a[i + 1][j] + a[i][j - 1] + a[i][j + 1] + r) >> 2;
				s += a[i][j] ^ j;
			}
	printf("%ld %ld\n", s, a[n / 2][n / 2]);
	return 0;
}
