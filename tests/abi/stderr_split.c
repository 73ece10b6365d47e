/* stdout and stderr stay separate streams. */
#include <stdio.h>

int main(void)
{
	fprintf(stdout, "to stdout\n");
	fprintf(stderr, "to stderr\n");
	return 0;
}
