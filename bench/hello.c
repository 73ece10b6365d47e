/* The program both boots run: one line on stdout, exit status 0. */
#include <stdio.h>

int main(void)
{
	puts("Hello from the benchmark");
	return 0;
}
