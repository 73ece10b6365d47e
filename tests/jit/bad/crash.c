/* Writes through a null pointer: killed by SIGSEGV (139). */
#include <stdio.h>

static void write_through(volatile int *p)
{
	*p = 42;
}

int main(void)
{
	printf("about to crash\n");
	fflush(stdout);
	write_through((volatile int *)0);
	printf("still here?\n");
	return 0;
}
