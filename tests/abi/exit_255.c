/* _exit(255) skips atexit handlers and stdio's buffers: status 255, and only
 * what was flushed reaches stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void never(void)
{
	printf("atexit handler ran\n");
}

int main(void)
{
	atexit(never);
	printf("flushed\n");
	fflush(stdout);
	printf("still buffered, lost by _exit\n");
	_exit(255);
}
