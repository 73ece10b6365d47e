/*
 * A write to a pipe whose read end is closed: with SIGPIPE ignored, EPIPE;
 * with a handler, the handler runs and the write still fails with EPIPE;
 * at the default action the process is killed by SIGPIPE (status 141).
 * Output and status must equal Linux's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_pipe(int s)
{
	caught = s;
}

static void write_to_closed(const char *how)
{
	int fds[2];
	pipe(fds);
	close(fds[0]);
	ssize_t n = write(fds[1], "x", 1);
	int err = errno;
	printf("%s: %zd (%s), handler saw %d\n", how, n, n < 0 ? strerror(err) : "-", (int)caught);
	close(fds[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	write_to_closed("ignored");
	signal(SIGPIPE, on_pipe);
	write_to_closed("handled");
	signal(SIGPIPE, SIG_DFL);
	write_to_closed("default");
	printf("not reached\n");
	return 0;
}
