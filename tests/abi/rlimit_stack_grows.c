/* The stack was 8 MiB whatever RLIMIT_STACK said: a program that raised
 * the limit to recurse deeper (as the JIT's runtime does for tier 0's
 * larger frames) died by SIGSEGV at 8 MiB. Now the stack grows to the soft
 * limit when it is raised, as Linux lets it grow at each fault; and past
 * the limit, recursion still ends in SIGSEGV. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "result_name.h"

#define FRAME 1024

/* Its first and last byte written: where the compiler cannot see, so the
 * whole array stays in the frame. */
__attribute__((noinline)) static void touch(unsigned char *pad, unsigned long n)
{
	pad[0] = (unsigned char)n;
	pad[FRAME - 1] = (unsigned char)(n >> 8);
}

/* What down(n) returns, without recursing. */
static unsigned long expected(unsigned long n)
{
	unsigned long sum = 0;
	for (unsigned long k = 1; k <= n; k++)
		sum += (unsigned char)k + (unsigned char)(k >> 8);
	return sum;
}

/* About FRAME bytes of stack a call, n calls deep. */
static unsigned long down(unsigned long n)
{
	unsigned char pad[FRAME];
	touch(pad, n);
	if (!n)
		return pad[0];
	return down(n - 1) + pad[0] + pad[FRAME - 1];
}

int main(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_STACK, &rl);
	/* 64 MiB, or the hard limit if that is lower (Linux's default hard
	 * limit is none; BareFlow's too): the output is the same either way */
	rlim_t want = 64ul << 20;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	printf("soft limit raised: %s\n", res(setrlimit(RLIMIT_STACK, &rl)));
	/* five eighths of it deep: 40 MiB, five times the old fixed stack */
	unsigned long calls = rl.rlim_cur / 8 * 5 / (FRAME + 64);
	printf("five eighths of the limit deep: %s\n", down(calls) == expected(calls) ? "ok" : "wrong");
	fflush(stdout);
	/* past the limit: the process dies by SIGSEGV (status 139) */
	printf("past the limit: %lu\n", down(rl.rlim_cur / FRAME * 2));
	return 0;
}
