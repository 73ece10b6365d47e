/* Exit handlers as a native exit runs them: atexit and on_exit, last
 * registered first, one registering another (which runs too), on_exit's
 * status and argument, one calling exit (the rest still run, and the
 * status is the new one), and stdout's unfinished line written out. Two
 * phases of work run first, so that under the JIT a function is compiled
 * and in, and another compile can be under way at the exit.
 * usage: exit_handlers [ITERATIONS [STATUS [HANDLER_STATUS]]]: exit(STATUS)
 * if given (errx(N) for STATUS eN; pthread_exit for STATUS p, the process
 * then ending with its last thread, by exit(0)), else main returns 3; with
 * HANDLER_STATUS, a handler calls exit(HANDLER_STATUS). */
#include <err.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int handler_status;

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

static void exits(void)
{
	printf("a handler calls exit(%d)\n", handler_status);
	exit(handler_status);
}

static void with_status(int status, void *arg)
{
	printf("on_exit: status %d, %s\n", status, (const char *)arg);
}

/* called often: its tier-up is the first compile */
static unsigned long step(unsigned long s, unsigned long k)
{
	for (unsigned long i = 0; i < 2000; i++)
		s = s * 2862933555777941757ul + (i ^ k);
	return s;
}

/* called once, looping long: its OSR code, a later compile */
static unsigned long mix(unsigned long n)
{
	unsigned long s = 1;
	for (unsigned long i = 0; i < n; i++)
		s = s * 6364136223846793005ul + (i ^ (s >> 29));
	return s;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000, s = 0;
	if (atexit(first) || on_exit(with_status, "its argument"))
		return 1;
	if (argc > 3) {
		handler_status = atoi(argv[3]);
		if (atexit(exits))
			return 1;
	}
	if (atexit(second))
		return 1;
	for (unsigned long k = 0; k < n / 300; k++)
		s += step(s, k);
	printf("stepped %lu, mixed %lu; an unfinished line: ", s, mix(n));
	if (argc > 2 && argv[2][0] == 'e')
		errx(atoi(argv[2] + 1), "errx with the line unfinished");
	if (argc > 2 && argv[2][0] == 'p')
		pthread_exit(NULL);
	if (argc > 2)
		exit(atoi(argv[2]));
	return 3;
}
