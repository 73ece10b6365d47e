/* Exit handlers as a native exit runs them: atexit and on_exit, last
 * registered first, one registering another (which runs too), on_exit's
 * status and argument, and stdout's unfinished line written out. A loop
 * long enough to be compiled runs first, so that under the JIT a compile
 * can be under way at the exit.
 * usage: exit_handlers [ITERATIONS [STATUS]]: exit(STATUS) if given,
 * else main returns 3. */
#include <stdio.h>
#include <stdlib.h>

static void first(void)
{
	printf("first\n");
}

static void again(void)
{
	printf("registered by a handler\n");
}

static void second(void)
{
	printf("second registers one more\n");
	if (atexit(again))
		printf("atexit failed in a handler\n");
}

static void with_status(int status, void *arg)
{
	printf("on_exit: status %d, %s\n", status, (const char *)arg);
}

static unsigned long mix(unsigned long n)
{
	unsigned long s = 1;
	for (unsigned long i = 0; i < n; i++)
		s = s * 6364136223846793005ul + (i ^ (s >> 29));
	return s;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
	if (atexit(first) || on_exit(with_status, "its argument") || atexit(second))
		return 1;
	printf("mixed %lu; an unfinished line: ", mix(n));
	if (argc > 2)
		exit(atoi(argv[2]));
	return 3;
}
