/*
 * The processes that carry the guest's standard streams between QEMU and our
 * own fds. Output goes through a relay rather than QEMU writing our fds
 * itself, so that it is written through our fds (sharing their offset, as
 * O_APPEND and `{ ...; } 2>file` expect), a slow reader stalls the guest
 * (the relay blocks, the pipe from QEMU fills, QEMU blocks), and a failed
 * write reaches the program (reported on COM4, see hoststatus.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../../kernel/include/hoststatus.h"
#include "cli.h"

/*
 * A pipe and a relay process on it. The relay must not outlive the CLI (see
 * cli_spawn), nor keep pipe ends open that would hide the end of another
 * stream: in it only fds 0-2, p[mine] and other stay open. Returns the pid
 * (0 in the relay; the parent keeps p[1 - mine]), or -1 with nothing open.
 */
static pid_t fork_relay(int p[2], int mine, int other)
{
	pid_t parent = getpid(), pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[mine]);
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	int lo = p[mine] < other ? p[mine] : other, hi = p[mine] < other ? other : p[mine];
	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0u, 0);
	return 0;
}

/* Write all n bytes to fd, waiting when it is non-blocking and full. Returns
 * 0, or -1 with errno. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = {fd, POLLOUT, 0};
			poll(&pfd, 1, -1);
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One of our fds as a relay's destination; after its first failed write, the
 * kernel is told and the rest is dropped, so that the guest never waits for
 * a reader that is gone. */
struct sink {
	int fd, tag, status_fd;
	bool failed;
};

static void emit(struct sink *k, const char *p, size_t n)
{
	if (!n || k->failed || write_all(k->fd, p, n) == 0)
		return;
	int e = errno > 0 && errno <= HOST_STATUS_ERRNO ? errno : EIO;
	unsigned char report = (unsigned char)(k->tag | e);
	(void)!write(k->status_fd, &report, 1);
	k->failed = true;
}

/*
 * Copy from `from` until its end: all of it to `to`, or with mux the framed
 * stdout and stderr (hoststatus.h) each to our fd of the same number, in
 * order. QEMU writes a byte at a time: after a short read a pause lets bytes
 * gather, so each copy moves many of them.
 */
static void __attribute__((noreturn)) copy_out(int from, int to, bool mux, int status_fd)
{
	static char buf[1 << 16];
	struct sink sinks[3] = {
	    {-1, 0, -1, true}, {1, 0, status_fd, false}, {2, HOST_STATUS_STDERR, status_fd, false}};
	struct sink *cur = &sinks[to];
	bool escaped = false;

	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		ssize_t n = read(from, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		size_t run = 0; /* where the bytes not yet emitted start */
		for (size_t i = 0; mux && i < (size_t)n; i++) {
			unsigned char c = (unsigned char)buf[i];
			if (escaped) {
				escaped = false;
				if (c == HOST_STREAM_STDOUT || c == HOST_STREAM_STDERR)
					cur = &sinks[c];
				run = c == HOST_STREAM_ESCAPE ? i : i + 1;
			} else if (c == HOST_STREAM_ESCAPE) {
				emit(cur, buf + run, i - run);
				escaped = true;
			}
		}
		if (!escaped)
			emit(cur, buf + run, (size_t)n - run);
		if (n < 4096)
			usleep(1000);
	}
}

int cli_relay_out(int to, bool mux, int status_fd, pid_t *pid)
{
	int p[2];

	*pid = fork_relay(p, 0, status_fd);
	if (*pid == 0)
		copy_out(p[0], to, mux, status_fd);
	return *pid < 0 ? -1 : p[1];
}

/* Wait until the kernel log (a file QEMU appends to) says "stdin: ready":
 * the kernel has switched the UART's receive FIFO on, which empties it, so
 * nothing may be sent before. */
static void wait_stdin_ready(int log_fd)
{
	static const char marker[] = "stdin: ready\n";
	char buf[4096 + sizeof marker];
	off_t off = 0;
	size_t keep = 0;

	for (;;) {
		ssize_t n = pread(log_fd, buf + keep, sizeof buf - 1 - keep, off);
		if (n > 0) {
			off += n;
			buf[keep + (size_t)n] = 0;
			if (strstr(buf, marker))
				return;
			/* keep the tail: the marker may straddle two reads */
			size_t len = keep + (size_t)n,
			       tail = len < sizeof marker ? len : sizeof marker;
			memmove(buf, buf + len - tail, tail);
			keep = tail;
		} else {
			usleep(1000);
		}
	}
}

/* The program's stdin travels on COM1's input. A serial line has no end, so
 * the relay encodes it: 0xff is sent as 0xff 0xff, and the end of input as
 * 0xff 0x00 (the kernel decodes this). The pipe itself never ends (the relay
 * waits to be killed), because QEMU mishandles the end of its stdin. */
int cli_relay_stdin(int log_fd, pid_t *relay)
{
	int p[2];

	*relay = fork_relay(p, 1, log_fd);
	if (*relay == 0) {
		unsigned char in[4096], out[8192];
		ssize_t n;
		signal(SIGPIPE, SIG_IGN);
		wait_stdin_ready(log_fd);
		while ((n = read(0, in, sizeof in)) > 0 || (n < 0 && errno == EINTR)) {
			size_t k = 0;
			for (ssize_t i = 0; i < n; i++) {
				out[k++] = in[i];
				if (in[i] == 0xff)
					out[k++] = 0xff;
			}
			if (k && write_all(p[1], (const char *)out, k))
				_exit(0);
		}
		(void)!write(p[1], "\xff\x00", 2);
		for (;;) /* the pipe stays open: see cli_relay_stdin */
			pause();
	}
	return *relay < 0 ? -1 : p[0];
}
