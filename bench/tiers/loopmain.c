/*
 * A long hot loop written directly in main, which is called once: a
 * Mandelbrot set in fixed point with 28 fraction bits (integer arithmetic
 * only, so the result is exact on every CPU), with no function call in the
 * loop.
 * A JIT can only make this faster by replacing main's code while main runs
 * (on-stack replacement).
 * usage: loopmain [SIZE [MAXITER]]   (defaults 2000 and 500)
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long size = argc > 1 ? atol(argv[1]) : 2000;
	long maxiter = argc > 2 ? atol(argv[2]) : 500;

	if (size < 1 || size > 100000 || maxiter < 1) {
		fprintf(stderr, "usage: loopmain [SIZE [MAXITER]]\n");
		return 2;
	}
	/* The square -2..0.5 by -1.25..1.25 in SIZE x SIZE points; 28 fraction
	 * bits, so |z|^2 <= 4 stays far from overflow in 64 bits. */
	const long one = 1L << 28;
	unsigned long long sum = 0, inside = 0;
	for (long py = 0; py < size; py++) {
		long ci = -one * 5 / 4 + py * (one * 5 / 2) / size;
		for (long px = 0; px < size; px++) {
			long cr = -one * 2 + px * (one * 5 / 2) / size;
			long zr = 0, zi = 0, it = 0;
			while (it < maxiter) {
				long rr = (zr * zr) >> 28, ii = (zi * zi) >> 28;
				if (rr + ii > 4 * one)
					break;
				zi = ((zr * zi) >> 27) + ci;
				zr = rr - ii + cr;
				it++;
			}
			if (it == maxiter)
				inside++;
			sum = sum * 31 + (unsigned long long)it;
		}
	}
	printf("loopmain size=%ld maxiter=%ld inside %llu checksum %llu\n", size, maxiter, inside,
	       sum);
	return 0;
}
