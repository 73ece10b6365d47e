/* A program with a known hot function: hot() does nine times the work of
 * cold() (the same loop, 9x the iterations), so about 90% of the time is
 * in hot(). Built with frame pointers, for full stacks under --sample.
 * "hot N sys" spends its time in getppid system calls instead; "hot N
 * cycles" also prints the TSC cycles the work took (bench/sample.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>

__attribute__((noinline)) unsigned hot(unsigned x, long n)
{
	for (long i = 0; i < n; i++)
		x = x * 1103515245u + 12345u + (unsigned)(i >> 3);
	return x;
}

__attribute__((noinline)) unsigned cold(unsigned x, long n)
{
	for (long i = 0; i < n; i++)
		x = x * 1103515245u + 12345u + (unsigned)(i >> 3);
	return x;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	unsigned x = 1;
	if (argc > 2 && !strcmp(argv[2], "sys")) {
		for (long i = 0; i < n; i++)
			x += (unsigned)syscall(SYS_getppid);
		printf("%u\n", x);
		return 0;
	}
	unsigned long long t0 = __rdtsc();
	for (int r = 0; r < 10; r++) {
		x = hot(x, 9 * n);
		x = cold(x, n);
	}
	unsigned long long t1 = __rdtsc();
	printf("%u\n", x);
	if (argc > 2 && !strcmp(argv[2], "cycles"))
		printf("%llu\n", t1 - t0);
	return 0;
}
