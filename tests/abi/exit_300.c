/* Returning 300 from main: only the low 8 bits survive, status 44. */
#include <stdio.h>

int main(void)
{
	printf("returning 300\n");
	return 300;
}
