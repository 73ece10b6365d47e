/* After the main thread has called pthread_exit, a signal sent to the
 * process is checked against the main thread's last mask, as Linux does:
 * ignored and not blocked there, it is discarded, even though the thread
 * still running blocks it; ignored but blocked there, it stays pending.
 * The remaining thread reports what sigpending shows. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_t main_thread;

static void *after_main(void *arg)
{
	sigset_t set;

	(void)arg;
	/* pthread_join on an exited main thread returns once it is gone. */
	pthread_join(main_thread, NULL);
	kill(getpid(), SIGUSR1); /* the main thread did not block it */
	kill(getpid(), SIGUSR2); /* the main thread blocked it */
	sigemptyset(&set);
	sigpending(&set);
	printf("SIGUSR1 pending: %d (Linux: 0, discarded)\n", sigismember(&set, SIGUSR1));
	printf("SIGUSR2 pending: %d (Linux: 1, kept)\n", sigismember(&set, SIGUSR2));
	fflush(stdout);
	exit(0);
}

int main(void)
{
	sigset_t both, usr2;
	pthread_t t;

	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	main_thread = pthread_self();
	pthread_sigmask(SIG_BLOCK, &both, NULL); /* the new thread blocks both */
	if (pthread_create(&t, NULL, after_main, NULL)) {
		printf("pthread_create failed\n");
		return 1;
	}
	pthread_sigmask(SIG_SETMASK, &usr2, NULL); /* main's last mask: SIGUSR2 only */
	pthread_exit(NULL);
}
