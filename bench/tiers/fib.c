/*
 * A small function called very often: doubly recursive Fibonacci.
 * usage: fib [N]   (default 41)
 */
#include <stdio.h>
#include <stdlib.h>

long fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 41;

	if (n < 0 || n > 60) {
		fprintf(stderr, "usage: fib [N]\n");
		return 2;
	}
	printf("fib(%d) = %ld\n", n, fib(n));
	return 0;
}
