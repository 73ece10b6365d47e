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

#include "cli.h"

/*
 * A pipe and a relay process on it. The relay must not outlive the CLI (see
 * cli_spawn), nor keep pipe ends open that would hide the end of another
 * stream: in it only fds 0-2, p[mine] and the fds of keep (-1 for none)
 * stay open. Returns the pid (0 in the relay; the parent keeps p[1 - mine]),
 * or -1 with nothing open.
 */
static pid_t fork_relay(int p[2], int mine, int keep0, int keep1)
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
	int keep[3] = {p[mine], keep0, keep1};
	for (int i = 0; i < 3; i++) /* sorted, -1 first */
		for (int k = i + 1; k < 3; k++)
			if (keep[k] < keep[i]) {
				int t = keep[i];
				keep[i] = keep[k];
				keep[k] = t;
			}
	unsigned from = 3;
	for (int i = 0; i < 3; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
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

/* One input of an output relay, and where its framed bytes go now. */
struct source {
	int fd;
	struct sink *cur;
	bool escaped;
};

/* Pass n bytes read from src on: all to its sink, or with mux split by the
 * framing (hoststatus.h). */
static void demux(struct source *src, struct sink *sinks, bool mux, char *buf, size_t n)
{
	size_t run = 0; /* where the bytes not yet emitted start */
	for (size_t i = 0; mux && i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (src->escaped) {
			src->escaped = false;
			if (c == HOST_STREAM_STDOUT || c == HOST_STREAM_STDERR)
				src->cur = &sinks[c];
			run = c == HOST_STREAM_ESCAPE ? i : i + 1;
		} else if (c == HOST_STREAM_ESCAPE) {
			emit(src->cur, buf + run, i - run);
			src->escaped = true;
		}
	}
	if (!src->escaped)
		emit(src->cur, buf + run, n - run);
}

/*
 * Copy from `from` (and `also`, if not -1) until the end of both: all of it
 * to `to`, or with mux the framed stdout and stderr (hoststatus.h) each to
 * our fd of the same number, in order. A serial port (from) brings a byte
 * at a time: after a short read of it a pause lets bytes gather, so each
 * copy moves many of them; the virtio socket (also) comes in large reads.
 */
static void __attribute__((noreturn)) copy_out(int from, int also, int to, bool mux, int status_fd)
{
	static char buf[1 << 16];
	struct sink sinks[3] = {
	    {-1, 0, -1, true}, {1, 0, status_fd, false}, {2, HOST_STATUS_STDERR, status_fd, false}};
	struct source srcs[2] = {{from, &sinks[to], false}, {also, &sinks[to], false}};
	struct pollfd pfd[2] = {{from, POLLIN, 0}, {also, POLLIN, 0}};

	unsigned long long taken = 0, acked = 0; /* framed bytes; acknowledged */
	signal(SIGPIPE, SIG_IGN);
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(0);
		}
		bool short_read = false;
		for (int k = 0; k < 2; k++) {
			if (pfd[k].fd < 0 || !pfd[k].revents)
				continue;
			ssize_t n = read(pfd[k].fd, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				pfd[k].fd = -1; /* poll skips it from now on */
				continue;
			}
			demux(&srcs[k], sinks, mux, buf, (size_t)n);
			short_read |= k == 0 && n < 4096; /* a serial port's trickle */
			/* written out (or dropped after a failure): say so, so
			 * that the guest may send more (hoststatus.h) */
			for (taken += mux ? (size_t)n : 0; taken - acked >= HOST_ACK_UNIT;
			     acked += HOST_ACK_UNIT) {
				unsigned char ack = HOST_STATUS_ACK;
				(void)!write(status_fd, &ack, 1);
			}
		}
		if (short_read)
			usleep(1000);
	}
	_exit(0);
}

int cli_relay_out(int to, bool mux, int status_fd, int also, pid_t *pid)
{
	int p[2];

	*pid = fork_relay(p, 0, status_fd, also);
	if (*pid == 0)
		copy_out(p[0], also, to, mux, status_fd);
	return *pid < 0 ? -1 : p[1];
}

/* Wait until the kernel log (a file QEMU appends to) says "stdin: ready on
 * CHANNEL": the kernel has switched the UART's receive FIFO on, which empties
 * it, so nothing may be sent before; or its virtio-console device is ready.
 * Returns true for virtio-console. */
static bool wait_stdin_ready(int log_fd)
{
	static const char marker[] = CONTRACT_STDIN_READY_VIRTIO;
	static const char serial[] = CONTRACT_STDIN_READY_COM1;
	char buf[4096 + sizeof marker];
	off_t off = 0;
	size_t keep = 0;

	for (;;) {
		ssize_t n = pread(log_fd, buf + keep, sizeof buf - 1 - keep, off);
		if (n > 0) {
			off += n;
			buf[keep + (size_t)n] = 0;
			if (strstr(buf, marker))
				return true;
			if (strstr(buf, serial))
				return false;
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

/* The program's stdin travels on virtio-console (the socket io, when the
 * kernel says so) or COM1's input. Neither has an end, so the relay encodes
 * it: 0xff is sent as 0xff 0xff, and the end of input as 0xff 0x00 (the
 * kernel decodes this). The pipe itself never ends (the relay waits to be
 * killed), because QEMU mishandles the end of its stdin. */
int cli_relay_stdin(int log_fd, int io, pid_t *relay)
{
	int p[2];

	*relay = fork_relay(p, 1, log_fd, io);
	if (*relay == 0) {
		static unsigned char in[1 << 16], out[2 << 16];
		ssize_t n;
		signal(SIGPIPE, SIG_IGN);
		int to = wait_stdin_ready(log_fd) && io >= 0 ? io : p[1];
		while ((n = read(0, in, sizeof in)) > 0 || (n < 0 && errno == EINTR)) {
			size_t k = 0;
			for (ssize_t i = 0; i < n; i++) {
				out[k++] = in[i];
				if (in[i] == 0xff)
					out[k++] = 0xff;
			}
			if (k && write_all(to, (const char *)out, k))
				_exit(0);
		}
		(void)!write_all(to, "\xff\x00", 2);
		for (;;) /* the pipe stays open: see cli_relay_stdin */
			pause();
	}
	return *relay < 0 ? -1 : p[0];
}
