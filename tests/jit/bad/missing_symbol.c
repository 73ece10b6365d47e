/* Calls a function nothing defines: the runtime cannot start it (127). */
#include <stdio.h>

int bareflow_no_such_function(int);

int main(void)
{
	printf("before\n");
	return bareflow_no_such_function(1);
}
