/* Never ends: only a timeout stops it (124). */
#include <stdio.h>

int main(void)
{
	volatile unsigned long n = 0;
	printf("spinning\n");
	fflush(stdout);
	for (;;)
		n++;
}
