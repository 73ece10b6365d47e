/* A host process at the other end of a guest channel (virtio-console port
 * CONTRACT_JIT_PORT, the guest's /dev/hostjit): its stdin and stdout are one
 * end of a socket pair, and QEMU's socket chardev gets the other. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* How long the process has to end once QEMU's end is closed (SIGTERM). */
#define STOP_GRACE_MS 1000

/* In the child: the socket as stdin and stdout, pass_fd (unless -1) as fd
 * 3, nothing else of ours open after exec (an inherited end of another
 * channel would hide its end), and no life beyond ours. On failure errno
 * goes back through report_fd. */
static void __attribute__((noreturn))
child(char *const argv[], int sock, int pass_fd, int report_fd, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127); /* we died before the line above */
	/* A group of its own: what it starts is stopped with it. */
	setpgid(0, 0);
	/* above 3 first, so that neither is where the other must go */
	int pass = pass_fd < 0 ? -1 : fcntl(pass_fd, F_DUPFD_CLOEXEC, 10);
	int report = fcntl(report_fd, F_DUPFD_CLOEXEC, 10);
	if (report >= 0 && (pass_fd < 0 || pass >= 0) && dup2(sock, 0) >= 0 &&
	    dup2(sock, 1) >= 0 && (pass < 0 || dup2(pass, 3) == 3)) {
		close_range(pass < 0 ? 3 : 4, ~0u, CLOSE_RANGE_CLOEXEC); /* report stays until exec */
		execvp(argv[0], argv);
	}
	int e = errno;
	(void)!write(report >= 0 ? report : report_fd, &e, sizeof e);
	_exit(127);
}

pid_t cli_spawn_on_socket(char *const argv[], int *qemu_fd, int pass_fd)
{
	int sv[2], report[2], err = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (pipe2(report, O_CLOEXEC) < 0) {
		err = errno;
		goto out_socket;
	}
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0)
		child(argv, sv[0], pass_fd, report[1], parent);
	err = errno;
	if (pid > 0)
		setpgid(pid, pid); /* as the child does: whichever comes first */
	close(report[1]);
	ssize_t got;
	while (pid > 0 && (got = read(report[0], &err, sizeof err)) < 0 && errno == EINTR)
		;
	if (pid > 0 && got == (ssize_t)sizeof err) {
		waitpid(pid, NULL, 0); /* exec failed: err says why */
		pid = -1;
	}
	close(report[0]);
	/* QEMU inherits its end, as it does the streams' socket (qemu.c). */
	if (pid > 0 && fcntl(sv[1], F_SETFD, 0) < 0) {
		err = errno;
		cli_stop_on_socket(pid);
		pid = -1;
	}
	if (pid > 0) {
		close(sv[0]);
		*qemu_fd = sv[1];
		return pid;
	}
out_socket:
	close(sv[0]);
	close(sv[1]);
	errno = err;
	return -1;
}

void cli_poll_pause(long *pause_ns)
{
	*pause_ns = *pause_ns ? *pause_ns * 2 : 250000;
	if (*pause_ns > 10000000)
		*pause_ns = 10000000;
	struct timespec t = {0, *pause_ns};
	nanosleep(&t, NULL);
}

void cli_stop_on_socket(pid_t pid)
{
	long waited = 0, pause = 0;

	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	while (waited < STOP_GRACE_MS * 1000000L) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return;
		cli_poll_pause(&pause);
		waited += pause;
	}
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
