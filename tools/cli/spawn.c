/* Running a child process with a time limit, without leaving it behind when
 * we time out, are interrupted or are killed. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define KILL_GRACE_SEC 2

static struct timespec now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

/* Time from now until deadline; false if it has passed. */
static bool time_left(struct timespec deadline, struct timespec *left)
{
	struct timespec t = now();

	left->tv_sec = deadline.tv_sec - t.tv_sec;
	left->tv_nsec = deadline.tv_nsec - t.tv_nsec;
	if (left->tv_nsec < 0) {
		left->tv_nsec += 1000000000L;
		left->tv_sec--;
	}
	return left->tv_sec >= 0 && (left->tv_sec > 0 || left->tv_nsec > 0);
}

/* Wait for pid to end, sleeping in sigtimedwait() on SIGCHLD and the signals in
 * `set` (all blocked). Returns 0 when reaped, -1 at the deadline (NULL: none),
 * or the number of another signal that arrived. */
static int wait_until(pid_t pid, const sigset_t *set, const struct timespec *deadline, int *wstatus)
{
	struct timespec left;

	for (;;) {
		pid_t r = waitpid(pid, wstatus, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return 0;
		if (deadline && !time_left(*deadline, &left))
			return -1;
		int sig = sigtimedwait(set, NULL, deadline ? &left : NULL);
		if (sig > 0 && sig != SIGCHLD)
			return sig;
	}
}

/* SIGTERM lets QEMU restore the terminal; SIGKILL if it does not go. */
static void stop(pid_t pid)
{
	sigset_t chld;
	struct timespec deadline = now();
	int wstatus;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	deadline.tv_sec += KILL_GRACE_SEC;
	kill(pid, SIGTERM);
	if (wait_until(pid, &chld, &deadline, &wstatus) == 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, &wstatus, 0);
}

/* The signals that end our wait early: those not ignored (a shell ignores
 * SIGINT in background jobs) plus SIGCHLD. */
static void wait_signals(sigset_t *set)
{
	static const int stoppers[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < sizeof stoppers / sizeof stoppers[0]; i++)
		if (sigaction(stoppers[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
			sigaddset(set, stoppers[i]);
}

/*
 * The child must not outlive us: killed with SIGKILL (nothing to catch it),
 * we could not stop it at the timeout, and an orphaned QEMU would spin on.
 * The kernel kills it when we die. And should we be unable to act (stopped,
 * say), a CPU-time limit ends it: twice the timeout, since QEMU's threads
 * can together use more than one CPU, plus the grace we give it.
 */
static void die_with_parent(pid_t parent, int timeout)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127); /* we died before the line above */
	if (timeout > 0) {
		rlim_t t = 2 * (rlim_t)timeout + KILL_GRACE_SEC;
		struct rlimit cpu = {t, t + 1}; /* SIGXCPU, then SIGKILL */
		setrlimit(RLIMIT_CPU, &cpu);
	}
}

/* In the child: set up fds and exec; on failure report errno through the
 * close-on-exec pipe. */
static void __attribute__((noreturn))
child(char *const argv[], char *const envp[], int out_fd, int err_fd, int report_fd,
      const sigset_t *mask, pid_t parent, int timeout)
{
	die_with_parent(parent, timeout);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if ((out_fd >= 0 && dup2(out_fd, 1) < 0) || (err_fd >= 0 && dup2(err_fd, 2) < 0)) {
		int e = errno;
		(void)!write(report_fd, &e, sizeof e);
		_exit(127);
	}
	if (envp)
		execve(argv[0], argv, envp);
	else
		execvp(argv[0], argv);
	int e = errno;
	(void)!write(report_fd, &e, sizeof e);
	_exit(127);
}

enum spawn_result cli_spawn_env(char *const argv[], char *const envp[], int out_fd, int err_fd,
				int timeout, int *wstatus)
{
	sigset_t set, old;
	struct timespec deadline = now();
	int report[2], err = 0;

	deadline.tv_sec += timeout;
	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would reap the child for us */
	if (pipe2(report, O_CLOEXEC) < 0)
		return SPAWN_FAILED;
	wait_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0)
		child(argv, envp, out_fd, err_fd, report[1], &old, parent, timeout);
	err = errno;
	close(report[1]);
	if (pid > 0 && read(report[0], &err, sizeof err) == (ssize_t)sizeof err) {
		waitpid(pid, wstatus, 0);
		pid = -1;
	}
	close(report[0]);
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = err;
		return SPAWN_FAILED;
	}
	int r = wait_until(pid, &set, timeout ? &deadline : NULL, wstatus);
	if (r != 0)
		stop(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == 0)
		return SPAWN_EXITED;
	if (r < 0)
		return SPAWN_TIMEOUT;
	*wstatus = r;
	return SPAWN_INTERRUPTED;
}

enum spawn_result cli_spawn(char *const argv[], int out_fd, int err_fd, int timeout, int *wstatus)
{
	return cli_spawn_env(argv, NULL, out_fd, err_fd, timeout, wstatus);
}

void cli_print_quoted(const char *s)
{
	fputc('\'', stderr);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", stderr);
		else
			fputc(*s, stderr);
	fputc('\'', stderr);
}

void cli_print_argv(char *const argv[])
{
	fputs("bareflow: running:", stderr);
	for (int i = 0; argv[i]; i++) {
		const char *s = argv[i];
		if (*s && !s[strcspn(s, " \t\n\"'\\$`|&;<>()*?[]#~")]) {
			fprintf(stderr, " %s", s);
			continue;
		}
		fputc(' ', stderr);
		cli_print_quoted(s);
	}
	fputc('\n', stderr);
}
