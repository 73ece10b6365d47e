/* The environment reaches the program in order, with spaces and quotes intact. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(void)
{
	for (char **e = environ; *e; e++)
		printf("env %s\n", *e);
	printf("B is \"%s\"; UNSET is %s\n", getenv("B"), getenv("UNSET") ? "set" : "unset");
	return 0;
}
