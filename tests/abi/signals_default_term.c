/* A signal whose default action ends the process: SIGTERM, blocked while
 * raised, is delivered (and the program dies with status 143) when it is
 * unblocked, not before. */
#include <signal.h>
#include <stdio.h>

int main(void)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("raise(SIGTERM) while blocked: %d\n", raise(SIGTERM));
	sigpending(&pending);
	printf("still running, SIGTERM pending: %s\n",
	       sigismember(&pending, SIGTERM) ? "yes" : "no");
	fflush(stdout);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("survived unblocking SIGTERM\n");
	return 0;
}
