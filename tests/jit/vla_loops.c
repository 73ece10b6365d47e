/* Variable-length arrays among loops, as numeric code sizes its scratch
 * space: an array declared after a loop and filled by a later one, one
 * declared in a loop's body and used by an inner loop, and a matrix through
 * a pointer to a variable-length row. Unoptimized code keeps such an
 * array's address and size in registers from one block to the next, not
 * in a local variable; tier 0's loop headers, which may enter OSR code,
 * must leave them dominating their uses (the tier-0 program did not verify,
 * and the runtime refused every such program with status 126). */
#include <stdio.h>
#include <stdlib.h>

/* a loop, then an array sized by its result, filled and summed by two more */
static long after_loop(int n)
{
	int m = 0;
	for (int i = 0; i < n; i++)
		m += i % 3 == 0;
	long a[m + 1];
	for (int i = 0; i <= m; i++)
		a[i] = (long)i * i;
	long s = 0;
	for (int r = 0; r < 200; r++)
		for (int i = 0; i <= m; i++)
			s += a[i] ^ r;
	return s;
}

/* an array per round of the outer loop, of the round's size */
static long in_body(int rounds)
{
	long h = 0;
	for (int r = 1; r <= rounds; r++) {
		int v[r];
		for (int i = 0; i < r; i++)
			v[i] = i * r + 1;
		for (int i = 1; i < r; i++)
			v[i] += v[i - 1] % 97;
		h = h * 31 + v[r - 1];
	}
	return h;
}

/* a square matrix of n rows of n, after a loop that decides n */
static double matrix(int want)
{
	int n = 1;
	while (n * n < want)
		n++;
	double(*m)[n] = calloc((size_t)n, sizeof *m);
	if (!m)
		return -1;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			m[i][j] = 1.0 / (i + j + 1);
	double trace = 0;
	for (int k = 0; k < 50; k++)
		for (int i = 0; i < n; i++)
			trace += m[i][i] * (k + 1) + m[i][n - 1 - i];
	free(m);
	return trace;
}

int main(void)
{
	long s = 0, h = 0;
	double t = 0;
	for (int k = 0; k < 4; k++) {
		s += after_loop(3000 + k);
		h ^= in_body(1500 + k);
		t += matrix(40000 + k);
	}
	printf("%ld %ld %.6f\n", s, h, t);
	return 0;
}
