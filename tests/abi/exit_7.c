/* exit(7) runs atexit handlers in reverse order and flushes stdio: status 7. */
#include <stdio.h>
#include <stdlib.h>

static void first(void)
{
	printf("atexit: registered first, runs last\n");
}
static void second(void)
{
	printf("atexit: registered second, runs first\n");
}

int main(void)
{
	atexit(first);
	atexit(second);
	printf("unflushed text before exit");
	exit(7);
}
