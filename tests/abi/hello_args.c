/* argv, stdio formatting and the exit status reach the host unchanged. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=\"%s\"\n", i, argv[i]);
	printf("%5.2f|%-8s|%08x|%lld\n", 3.14159, "left", 0xbeef, -1234567890123LL);
	return 42;
}
