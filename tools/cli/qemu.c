/* Booting in QEMU: its command line, and its exit code turned back into the
 * guest's status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define MAX_ARGS 48

struct qemu_argv {
	char *v[MAX_ARGS];
	int n;
	char mem[32], backend[96], stderr_dev[64], log_dev[64], hostout_dev[64];
};

/* What the guest's other channels are connected to for one boot: COM2 (the
 * program's stderr) to a duplicate of our stderr, the debug console (port
 * 0xe9: the kernel log and the final exit status) to a temporary file, and
 * with opt->hostout COM3 (the guest's /dev/hostout) to that host file. QEMU
 * opens them by their /dev/fd names, so they must survive exec. */
struct channels {
	int err_dup, log_fd, log_dup, hostout_dup;
};

static void push(struct qemu_argv *a, const char *s)
{
	if (a->n < MAX_ARGS - 1)
		a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static const char *qemu_binary(void)
{
	const char *q = getenv("BAREFLOW_QEMU");
	return q && *q ? q : "qemu-system-x86_64";
}

/*
 * Guest RAM comes from an explicit backend with reserve=off: QEMU then maps it
 * with MAP_NORESERVE, so a 64 GiB guest starts on a host with less memory (the
 * kernel's heuristic overcommit refuses one such mapping larger than RAM+swap);
 * pages are backed only when the guest touches them. No network card: there is
 * no driver for it, and the BIOS would spend time loading its option ROM.
 */
static void build_argv(struct qemu_argv *a, const struct boot_options *opt, const char *image,
		       const struct channels *ch)
{
	snprintf(a->mem, sizeof a->mem, "%lluM", opt->mem_mib);
	snprintf(a->stderr_dev, sizeof a->stderr_dev, "file,id=com2,path=/dev/fd/%d,append=on",
		 ch->err_dup);
	snprintf(a->log_dev, sizeof a->log_dev, "file:/dev/fd/%d", ch->log_dup);
	snprintf(a->backend, sizeof a->backend, "memory-backend-ram,id=ram0,size=%lluM,reserve=off",
		 opt->mem_mib);
	/* clang-format off */
	static const char *const flags[] = {
		"-cpu", "max", "-smp", "1", "-display", "none", "-no-reboot", "-monitor", "none",
		"-nic", "none", "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"};
	const char *memory[] = {"-M", "pc,memory-backend=ram0", "-object", a->backend, "-m", a->mem};
	/* clang-format on */
	a->n = 0;
	push(a, qemu_binary());
	for (size_t i = 0; i < sizeof memory / sizeof memory[0]; i++)
		push(a, memory[i]);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		push(a, flags[i]);
	push(a, "-chardev");
	push(a, a->stderr_dev);
	push(a, "-serial");
	push(a, "chardev:com2");
	if (ch->hostout_dup >= 0) {
		snprintf(a->hostout_dev, sizeof a->hostout_dev,
			 "file,id=hostout,path=/dev/fd/%d,append=on", ch->hostout_dup);
		push(a, "-chardev");
		push(a, a->hostout_dev);
		push(a, "-serial");
		push(a, "chardev:hostout");
	}
	push(a, "-debugcon");
	push(a, a->log_dev);
	if (opt->iso) {
		push(a, "-cdrom");
		push(a, image);
		push(a, "-boot");
		push(a, "d");
		return;
	}
	push(a, "-kernel");
	push(a, image);
	if (opt->module) {
		push(a, "-initrd");
		push(a, opt->module);
	}
	if (*opt->cmdline) {
		push(a, "-append");
		push(a, opt->cmdline);
	}
}

/* The status the kernel wrote to the log as "bareflow-exit-status N", or -1.
 * It is the log's last line, so only the tail is read. */
static int status_from_log(int log_fd)
{
	char buf[4096];
	off_t end = lseek(log_fd, 0, SEEK_END);
	off_t from = end > (off_t)sizeof buf - 1 ? end - (off_t)sizeof buf + 1 : 0;
	ssize_t n = pread(log_fd, buf, sizeof buf - 1, from);
	int status = -1;

	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (char *p = buf; (p = strstr(p, "bareflow-exit-status ")); p++)
		status = atoi(p + strlen("bareflow-exit-status "));
	return status;
}

/*
 * The kernel writes status + 1 to isa-debug-exit, which makes QEMU exit with
 * 2 * (status + 1) + 1: always odd and at least 3. Statuses above 125 do not
 * fit: QEMU then exits with 255 and the status is in the log. QEMU exits with
 * 0 when the guest shut down or reset (-no-reboot) without that, and 1 on its
 * own errors.
 */
static int map_exit(int wstatus, int errfd, int log_fd, bool verbose)
{
	if (WIFSIGNALED(wstatus)) {
		cli_error("qemu was killed by signal %d (%s)", WTERMSIG(wstatus),
			  strsignal(WTERMSIG(wstatus)));
		cli_dump_fd(errfd);
		return CLI_EXIT_FAILURE;
	}
	int e = WEXITSTATUS(wstatus);
	if (e == 255) {
		int status = status_from_log(log_fd);
		if (status >= 0)
			return status;
		cli_error("the guest reported no exit status in its log");
		return CLI_EXIT_FAILURE;
	}
	if (e >= 3 && (e & 1)) {
		if (verbose) {
			cli_dump_fd(errfd);
			cli_error("qemu exited with %d: guest status %d", e, (e >> 1) - 1);
		}
		return (e >> 1) - 1;
	}
	if (e == 0)
		cli_error("the guest reset or powered off without reporting an exit status "
			  "(triple fault?)");
	else
		cli_error("qemu failed (exit %d)", e);
	cli_dump_fd(errfd);
	return CLI_EXIT_FAILURE;
}

static int run(struct qemu_argv *a, const struct boot_options *opt, const struct channels *ch)
{
	int errfd = cli_tmpfile(), wstatus = 0, ret;

	if (errfd < 0)
		return CLI_EXIT_FAILURE;
	switch (cli_spawn(a->v, -1, errfd, opt->timeout, &wstatus)) {
	case SPAWN_EXITED:
		ret = map_exit(wstatus, errfd, ch->log_fd, opt->verbose);
		break;
	case SPAWN_TIMEOUT:
		cli_dump_fd(errfd);
		cli_error("timed out after %d s", opt->timeout);
		ret = CLI_EXIT_TIMEOUT;
		break;
	case SPAWN_INTERRUPTED:
		ret = 128 + wstatus;
		break;
	default:
		if (errno == ENOENT && !getenv("BAREFLOW_QEMU"))
			cli_error("%s not found: run 'make setup' (it installs qemu-system-x86)",
				  a->v[0]);
		else
			cli_error("cannot run %s: %s", a->v[0], strerror(errno));
		ret = CLI_EXIT_FAILURE;
	}
	close(errfd);
	return ret;
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
			size_t len = keep + (size_t)n, tail = len < sizeof marker ? len : sizeof marker;
			memmove(buf, buf + len - tail, tail);
			keep = tail;
		} else {
			usleep(1000);
		}
	}
}

/*
 * The program's stdin travels on COM1's input. A serial line has no end, so a
 * relay process encodes it: 0xff is sent as 0xff 0xff, and the end of input
 * as 0xff 0x00 (the kernel decodes this). The relay starts sending once the
 * kernel says it is ready. Returns the read end of the pipe QEMU reads from,
 * or -1; *relay is the relay's pid.
 */
static int start_stdin_relay(pid_t *relay, int log_fd)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	*relay = fork();
	if (*relay < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (*relay == 0) {
		unsigned char in[4096], out[8192];
		ssize_t n;
		signal(SIGPIPE, SIG_IGN);
		close(p[0]);
		wait_stdin_ready(log_fd);
		while ((n = read(0, in, sizeof in)) > 0 || (n < 0 && errno == EINTR)) {
			size_t k = 0;
			for (ssize_t i = 0; i < n; i++) {
				out[k++] = in[i];
				if (in[i] == 0xff)
					out[k++] = 0xff;
			}
			if (k && write(p[1], out, k) != (ssize_t)k)
				_exit(0);
		}
		(void)!write(p[1], "\xff\x00", 2);
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

int cli_boot(const struct boot_options *opt)
{
	char image[4096], *tmp_iso = NULL;
	struct qemu_argv a;

	snprintf(image, sizeof image, "%s/build/%s", cli_root(),
		 opt->iso ? "bareflow.iso" : "bareflow.elf");
	if (access(image, R_OK) != 0) {
		cli_error("%s is missing: run 'make' (and 'make setup' first on a new machine)",
			  image);
		return CLI_EXIT_FAILURE;
	}
	if (opt->iso && *opt->cmdline) {
		tmp_iso = cli_iso_build(opt->cmdline);
		if (!tmp_iso)
			return CLI_EXIT_FAILURE;
	}
	struct channels ch = {dup(2), cli_tmpfile(), -1, -1};
	if (ch.log_fd >= 0)
		ch.log_dup = dup(ch.log_fd); /* dup clears close-on-exec */
	if (ch.err_dup < 0 || ch.log_dup < 0) {
		cli_error("cannot set up the guest's stderr and log channels");
		return CLI_EXIT_FAILURE;
	}
	/* The file starts empty: what the guest writes to /dev/hostout, and
	 * nothing from an earlier run. */
	if (opt->hostout &&
	    (ch.hostout_dup = open(opt->hostout, O_WRONLY | O_CREAT | O_TRUNC, 0666)) < 0) {
		cli_error("%s: %s", opt->hostout, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	build_argv(&a, opt, tmp_iso ? tmp_iso : image, &ch);
	if (opt->verbose)
		cli_print_argv(a.v);
	pid_t relay = -1;
	int saved_stdin = -1;
	if (opt->program) { /* QEMU reads the encoded stdin through a pipe */
		int in = opt->stdin_in_module ? open("/dev/null", O_RDONLY | O_CLOEXEC)
					      : start_stdin_relay(&relay, ch.log_fd);
		saved_stdin = in >= 0 ? dup(0) : -1;
		if (in < 0 || saved_stdin < 0 || dup2(in, 0) < 0) {
			cli_error("cannot set up the program's stdin");
			return CLI_EXIT_FAILURE;
		}
		close(in);
	}
	int ret = run(&a, opt, &ch);
	if (relay > 0) {
		kill(relay, SIGKILL);
		waitpid(relay, NULL, 0);
	}
	if (saved_stdin >= 0) {
		dup2(saved_stdin, 0);
		close(saved_stdin);
	}
	/* While a program runs the kernel log is kept aside; show it when the
	 * kernel itself failed or when asked. */
	if (opt->program && (opt->verbose || ret == CLI_EXIT_FAILURE)) {
		fputs("bareflow: kernel log:\n", stderr);
		cli_dump_fd(ch.log_fd);
	}
	close(ch.err_dup);
	close(ch.log_dup);
	close(ch.log_fd);
	if (ch.hostout_dup >= 0)
		close(ch.hostout_dup);
	if (tmp_iso)
		cli_iso_remove(tmp_iso);
	return ret;
}
