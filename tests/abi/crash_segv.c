/* A NULL write kills the program with SIGSEGV: exit status 139. */
#include <stdio.h>

int main(void)
{
	printf("before the crash\n");
	fflush(stdout);
	*(volatile int *)0 = 1;
	return 0;
}
