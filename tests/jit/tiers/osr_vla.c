/*
 * Loops among variable-length arrays, each function called once, so that
 * its loops get OSR code: main's stencil over a grid of a size read at run
 * time, declared after a loop; scoped's array in an inner scope, whose
 * end restores the stack pointer before more calls; rows's array declared
 * anew in each round of its outer loop, filled by inner loops; cube's in
 * the outermost of three loops. Unoptimized
 * code keeps an array's address and size in registers, not in locals, so
 * the tier-0 call must pass them (runtime/jit/ir.c, ir_osr_live_ins);
 * the OSR code enters a copy of the inner loop's region, so that the loop
 * around it keeps its own entry; a restore of a stack pointer the tier-0
 * call saved must not move the OSR code's own; and an address passed so
 * (picked's) must point into the memory the OSR code uses
 * (runtime/jit/osr.c).
 */
#include <stdio.h>
#include <stdlib.h>

static long mix(long x)
{
	return (x ^ (x >> 7)) * 31 + 1;
}

__attribute__((noinline)) static long scoped(int n, int rounds)
{
	long s = 0;
	{
		long t[n];
		for (int i = 0; i < n; i++)
			t[i] = i;
		for (int r = 0; r < rounds; r++)
			for (int i = 1; i < n; i++)
				t[i] = (t[i] + t[i - 1] + r) & 0xffff;
		s = t[n - 1];
	}
	/* after the scope: calls and a frame of the code's own, in use */
	char line[64];
	for (int k = 0; k < 8; k++) {
		snprintf(line, sizeof line, "%ld", mix(s + k));
		s += atol(line) % 1000;
	}
	return s;
}

__attribute__((noinline)) static long rows(int rounds)
{
	unsigned long h = 5381;
	for (int r = 2; r <= rounds + 1; r++) {
		unsigned v[r];
		for (int i = r - 1; i >= 0; i--)
			v[i] = (unsigned)(i ^ r) * 2654435761u;
		for (int i = 1; i < r; i++)
			v[i] ^= v[i - 1] >> 3;
		h = (h << 5) + h + v[r / 2];
	}
	return (long)h;
}

/* an array declared in the outermost of three loops, read by the
 * innermost: the copy the OSR code enters holds the middle loop too */
__attribute__((noinline)) static long cube(int n)
{
	long s = 0;
	for (int a = 1; a <= 4; a++) {
		long t[n + a];
		for (int i = 0; i < n + a; i++)
			t[i] = (long)i * a;
		for (int b = 0; b < n; b++)
			for (int c = 0; c < n; c++)
				s += t[(b * 7 + c) % (n + a)] ^ (b + c);
	}
	return s;
}

/* an element of a local array, its index computed by a loop in a
 * statement expression: the element's address is computed before the
 * loop, passed in the frame, and must be the same array the loop writes */
__attribute__((noinline)) static int picked(long n)
{
	int m[2][4] = {{0}};
	int r = m[1][({
		for (long k = 0; k < n; k++)
			m[1][k & 3] += (int)(k & 1) + 1;
		2;
	})];
	return r + m[1][3];
}

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
	printf("%ld\n", scoped(n * 10, rounds * 10));
	printf("%ld\n", rows(n * 10));
	printf("%d\n", picked((long)n * rounds * 100));
	printf("%ld\n", cube(n * 4));
	return 0;
}
