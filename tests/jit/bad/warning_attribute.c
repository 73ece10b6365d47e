/*
 * A call to a function declared with __attribute__((warning)): only the
 * code generator reports it (clang prints it too, from its back end), and
 * the runtime must print it once, under the name the source gave, however
 * many tiers compile the call again. The program itself runs normally.
 */
#include <stdio.h>

static __attribute__((noinline, warning("old interface, use step2"))) long step(long x)
{
	return x * 3 + 1;
}

static long run(long n)
{
	long x = 0;
	for (long i = 0; i < n; i++)
		x = step(x) % 1000003;
	return x;
}

int main(void)
{
	long sum = 0;
	for (int round = 0; round < 50; round++)
		sum += run(20000);
	printf("%ld\n", sum);
	return 0;
}
