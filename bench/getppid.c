/* System-call round trip: cycles per getppid, timed with rdtsc around a loop. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	unsigned long long best = ~0ull;

	for (int round = 0; round < 5; round++) {
		unsigned long long t0 = __rdtsc();
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		unsigned long long per = (__rdtsc() - t0) / (unsigned long long)n;
		if (per < best)
			best = per;
	}
	printf("%llu\n", best);
	return 0;
}
