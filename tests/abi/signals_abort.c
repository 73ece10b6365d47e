/* abort() ends the program with SIGABRT, status 134, even when a SIGABRT
 * handler returns: the handler runs once, then glibc restores the default
 * action and raises the signal again. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int runs;

static void on_abort(int sig)
{
	runs++;
	printf("SIGABRT handler ran (%d), signal %d\n", runs, sig);
	fflush(stdout);
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_abort;
	sigaction(SIGABRT, &sa, NULL);
	printf("calling abort\n");
	fflush(stdout);
	abort();
	printf("abort returned\n");
	return 0;
}
