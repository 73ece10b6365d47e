/* Booting in QEMU: its command line, and its exit code turned back into the
 * guest's status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_ARGS (64 + 4 * CONTRACT_DISK_MAX)

struct qemu_argv {
	char *v[MAX_ARGS];
	int n;
	char mem[32], backend[96], stderr_dev[64], status_dev[64], status_serial[48], log_dev[64],
	    hostout_dev[64], io_dev[64], io_port[64], jit_dev[64], jit_port[64], gdb_dev[48],
	    smp[16], shared_mem[96];
};

/* What the guest's channels are connected to for one boot: COM1's output
 * (QEMU's stdout) and COM2 to relays that write our stdout and stderr (with a
 * program, a virtio-console device on the socket io carries its stdin and
 * both output streams, framed, or COM1 does if the kernel cannot use that
 * device; COM4's input is connected to the socket on which the relays
 * report failed writes), the
 * debug console (port 0xe9: the kernel log and the final exit status) to a
 * temporary file, with opt->hostout COM3 (the guest's /dev/hostout) to
 * that host file, and with opt->jit_fd a second port of the virtio-console
 * device (the guest's /dev/hostjit) to that socket, which the caller owns.
 * QEMU opens the files and COM2's pipe by their /dev/fd names, so those
 * must survive exec. */
struct channels {
	int out_w, err_w; /* the relays' pipes */
	pid_t out_relay, err_relay;
	int status[2]; /* [0] the relays', [1] QEMU's */
	int io[2];     /* virtio-console: [0] the relays', [1] QEMU's */
	int log_fd, log_dup, hostout_dup;
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
		       const struct channels *ch, enum cli_accel accel)
{
	snprintf(a->mem, sizeof a->mem, "%lluM", opt->mem_mib);
	snprintf(a->stderr_dev, sizeof a->stderr_dev, "file,id=com2,path=/dev/fd/%d,append=on",
		 ch->err_w);
	snprintf(a->status_dev, sizeof a->status_dev, "socket,id=status,fd=%d", ch->status[1]);
	snprintf(a->log_dev, sizeof a->log_dev, "file:/dev/fd/%d", ch->log_dup);
	snprintf(a->backend, sizeof a->backend, "memory-backend-ram,id=ram0,size=%lluM,reserve=off",
		 opt->mem_mib);
	/* clang-format off */
	static const char *const flags[] = {
		"-display", "none", "-no-reboot", "-monitor", "none",
		"-nic", "none", "-serial", "stdio", "-device", CONTRACT_EXIT_DEVICE};
	const char *memory[] = {"-M", "pc,memory-backend=ram0", "-object", a->backend, "-m", a->mem};
	/* clang-format on */
	a->n = 0;
	push(a, qemu_binary());
	for (size_t i = 0; i < sizeof memory / sizeof memory[0]; i++)
		push(a, memory[i]);
	/* KVM runs the host's own CPU; TCG emulates all it can. */
	/* More than one CPU under TCG: one host thread per vCPU, not one for all. */
	snprintf(a->smp, sizeof a->smp, "%d", opt->cpus > 1 ? opt->cpus : 1);
	push(a, "-smp");
	push(a, a->smp);
	push(a, "-accel");
	push(a, accel == CLI_ACCEL_KVM ? "kvm" : opt->cpus > 1 ? "tcg,thread=multi" : "tcg");
	push(a, "-cpu");
	push(a, accel == CLI_ACCEL_KVM ? "host" : "max");
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		push(a, flags[i]);
	push(a, "-chardev");
	push(a, a->stderr_dev);
	push(a, "-serial");
	push(a, "chardev:com2");
	if (opt->program) { /* and so the kernel frames stdout and stderr on COM1 */
		push(a, "-chardev");
		push(a, a->status_dev);
		push(a, "-device");
		snprintf(a->status_serial, sizeof a->status_serial,
			 "isa-serial,chardev=status,index=%d", HOST_STATUS_SERIAL_INDEX);
		push(a, a->status_serial);
		snprintf(a->io_dev, sizeof a->io_dev, "socket,id=" CONTRACT_IO_CHARDEV ",fd=%d",
			 ch->io[1]);
		snprintf(a->io_port, sizeof a->io_port,
			 "virtserialport,chardev=" CONTRACT_IO_CHARDEV ",nr=%d", CONTRACT_IO_PORT);
		push(a, "-chardev");
		push(a, a->io_dev);
		push(a, "-device");
		/* Port numbers run below max_ports: room for port 2 only with it. */
		push(a, opt->jit_fd > 0 ? "virtio-serial-pci,max_ports=3"
					: "virtio-serial-pci,max_ports=2");
		push(a, "-device");
		push(a, a->io_port);
	}
	if (opt->program && opt->jit_fd > 0) { /* the guest's /dev/hostjit */
		snprintf(a->jit_dev, sizeof a->jit_dev, "socket,id=" CONTRACT_JIT_CHARDEV ",fd=%d",
			 opt->jit_fd);
		snprintf(a->jit_port, sizeof a->jit_port,
			 "virtserialport,chardev=" CONTRACT_JIT_CHARDEV ",nr=%d",
			 CONTRACT_JIT_PORT);
		push(a, "-chardev");
		push(a, a->jit_dev);
		push(a, "-device");
		push(a, a->jit_port);
	}
	if (ch->hostout_dup >= 0) {
		snprintf(a->hostout_dev, sizeof a->hostout_dev,
			 "file,id=hostout,path=/dev/fd/%d,append=on", ch->hostout_dup);
		push(a, "-chardev");
		push(a, a->hostout_dev);
		push(a, "-serial");
		push(a, "chardev:hostout");
	}
	for (int i = 0; i < opt->ndisks; i++) {
		push(a, "-drive");
		push(a, opt->disks[i].drive);
		push(a, "-device");
		push(a, opt->disks[i].device);
	}
	push(a, "-debugcon");
	push(a, a->log_dev);
	if (opt->gdb_port) { /* the stub, on this machine only; stopped until gdb says */
		snprintf(a->gdb_dev, sizeof a->gdb_dev, "tcp:127.0.0.1:%d", opt->gdb_port);
		push(a, "-gdb");
		push(a, a->gdb_dev);
		push(a, "-S");
	}
	if (opt->iso) {
		push(a, "-cdrom");
		push(a, image);
		push(a, "-boot");
		push(a, "d");
		return;
	}
	if (opt->shared) { /* the file, mapped read-only: the guest reads it in place */
		snprintf(a->shared_mem, sizeof a->shared_mem,
			 "memory-backend-file,id=shared,mem-path=%s,size=%llu,readonly=on,share=off",
			 opt->shared, opt->shared_size);
		push(a, "-object");
		push(a, a->shared_mem);
		push(a, "-device");
		push(a, "ivshmem-plain,memdev=shared");
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

/* The status the kernel wrote to the log as CONTRACT_STATUS_LINE "N", or -1.
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
	for (char *p = buf; (p = strstr(p, CONTRACT_STATUS_LINE)); p++)
		status = atoi(p + strlen(CONTRACT_STATUS_LINE));
	return status;
}

/*
 * QEMU's exit status carries the guest's (contract.h), or 255 when the
 * status is in the log. QEMU exits with 0 when the guest shut down or reset
 * (-no-reboot) without that, and 1 on its own errors.
 */
static int map_exit(int wstatus, int errfd, int log_fd, bool verbose)
{
	if (WIFSIGNALED(wstatus)) {
		cli_error("qemu was killed by signal %d (%s)", WTERMSIG(wstatus),
			  strsignal(WTERMSIG(wstatus)));
		cli_dump_fd(errfd);
		return CLI_EXIT_FAILURE;
	}
	int e = WEXITSTATUS(wstatus), guest = contract_status_from_qemu(e);
	if (e == CONTRACT_QEMU_SEE_LOG) {
		int status = status_from_log(log_fd);
		if (status >= 0)
			return status;
		cli_error("the guest reported no exit status in its log");
		return CLI_EXIT_FAILURE;
	}
	if (guest >= 0) {
		if (verbose) {
			cli_dump_fd(errfd);
			cli_error("qemu exited with %d: guest status %d", e, guest);
		}
		return guest;
	}
	if (e == 0)
		cli_error("the guest reset or powered off without reporting an exit status "
			  "(triple fault?)");
	else
		cli_error("qemu failed (exit %d)", e);
	cli_dump_fd(errfd);
	return CLI_EXIT_FAILURE;
}

/* Start the output relays (framed for a program) and the socket they report
 * failures on. Returns 0, or -1 (what is set up stays in ch for
 * close_channels). */
static int open_relays(struct channels *ch, bool program)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ch->status) < 0)
		return -1;
	if (program && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ch->io) < 0)
		return -1;
	/* QEMU inherits its ends of the sockets and COM2's pipe */
	if (fcntl(ch->status[1], F_SETFD, 0) < 0 || (program && fcntl(ch->io[1], F_SETFD, 0) < 0))
		return -1;
	ch->out_w = cli_relay_out(1, program, ch->status[0], ch->io[0], &ch->out_relay);
	if (ch->out_w < 0)
		return -1;
	ch->err_w = cli_relay_out(2, false, ch->status[0], -1, &ch->err_relay);
	if (ch->err_w < 0 || fcntl(ch->err_w, F_SETFD, 0) < 0)
		return -1;
	return 0;
}

static bool reaped(pid_t *pid)
{
	if (*pid > 0 && waitpid(*pid, NULL, WNOHANG) == 0)
		return false;
	*pid = -1;
	return true;
}

static bool past(const struct timespec *until)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec > until->tv_sec ||
	       (t.tv_sec == until->tv_sec && t.tv_nsec >= until->tv_nsec);
}

/*
 * Once QEMU has ended: let the relays write out what QEMU left in their
 * pipes until the CLOCK_MONOTONIC time `until` (NULL: no limit), or stop
 * them at once (now: a timeout or an interrupt). Either way they are
 * reaped, so our own messages come after the guest's. Returns false if they
 * were stopped with output perhaps unwritten.
 */
static bool finish_relays(struct channels *ch, bool now, const struct timespec *until)
{
	int *fds[] = {&ch->out_w, &ch->err_w, &ch->status[1], &ch->io[1]};
	pid_t *pids[] = {&ch->out_relay, &ch->err_relay};

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	for (long pause = 0;;) {
		bool out_done = reaped(pids[0]), err_done = reaped(pids[1]);
		if (out_done && err_done)
			return true;
		if (now || (until && past(until)))
			break;
		cli_poll_pause(&pause);
	}
	for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++)
		if (*pids[i] > 0) {
			kill(*pids[i], SIGKILL);
			waitpid(*pids[i], NULL, 0);
			*pids[i] = -1;
		}
	return false;
}

static int run(struct qemu_argv *a, const struct boot_options *opt, struct channels *ch,
	       enum cli_accel accel)
{
	int errfd = cli_tmpfile(), wstatus = 0, ret;

	if (errfd < 0)
		return CLI_EXIT_FAILURE;
	/* The timeout covers writing out the guest's output too. */
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += opt->timeout;
	/*
	 * QEMU asks for transparent huge pages on guest RAM (MADV_HUGEPAGE), so
	 * the host zeroes 2 MiB for the guest's first touch of any page in
	 * it. Under TCG that buys nothing (QEMU's own TLB maps 4 KiB pages),
	 * the guest touches its RAM sparsely, and a boot of the JIT's runtime
	 * spent a third of QEMU's CPU time in the host kernel zeroing pages
	 * (bareflow jit of bench/real's crc: 1.35-1.55 s with them, 1.14-1.20
	 * s without). Under KVM huge pages back the guest's own large
	 * mappings: they stay. The setting is inherited across fork and exec:
	 * QEMU starts with it, and ours is put back as it was.
	 */
	int thp_was = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
	bool no_thp = accel != CLI_ACCEL_KVM && thp_was >= 0 &&
		      prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0;
	enum spawn_result r = cli_spawn(a->v, ch->out_w, errfd, opt->timeout, &wstatus);
	if (no_thp)
		prctl(PR_SET_THP_DISABLE, thp_was, 0, 0, 0);
	if (!finish_relays(ch, r != SPAWN_EXITED, opt->timeout ? &deadline : NULL) &&
	    r == SPAWN_EXITED)
		r = SPAWN_TIMEOUT;
	switch (r) {
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

static void close_channels(struct channels *ch)
{
	finish_relays(ch, true, NULL);
	int fds[] = {ch->status[0], ch->io[0], ch->log_fd, ch->log_dup, ch->hostout_dup};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int cli_boot(const struct boot_options *opt)
{
	char image[4096], *tmp_iso = NULL;
	struct qemu_argv a;
	enum cli_accel accel;
	int ret = CLI_EXIT_FAILURE;

	snprintf(image, sizeof image, "%s/build/%s", cli_root(),
		 opt->iso ? "bareflow.iso" : "bareflow.elf");
	if (access(image, R_OK) != 0) {
		cli_error("%s is missing: run 'make' (and 'make setup' first on a new machine)",
			  image);
		return CLI_EXIT_FAILURE;
	}
	if ((ret = cli_accel_choose(opt->accel ? opt->accel : "auto", opt->verbose, &accel)))
		return ret;
	ret = CLI_EXIT_FAILURE;
	if (opt->iso && *opt->cmdline) {
		tmp_iso = cli_iso_build(opt->cmdline);
		if (!tmp_iso)
			return CLI_EXIT_FAILURE;
	}
	struct channels ch = {-1, -1, -1, -1, {-1, -1}, {-1, -1}, cli_tmpfile(), -1, -1};
	if (ch.log_fd >= 0)
		ch.log_dup = dup(ch.log_fd); /* dup clears close-on-exec */
	if (ch.log_dup < 0 || open_relays(&ch, opt->program) < 0) {
		cli_error("cannot set up the guest's output and log channels: %s", strerror(errno));
		goto out;
	}
	/* The file starts empty: what the guest writes to /dev/hostout, and
	 * nothing from an earlier run. */
	if (opt->hostout &&
	    (ch.hostout_dup = open(opt->hostout, O_WRONLY | O_CREAT | O_TRUNC, 0666)) < 0) {
		cli_error("%s: %s", opt->hostout, strerror(errno));
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	build_argv(&a, opt, tmp_iso ? tmp_iso : image, &ch, accel);
	if (opt->verbose)
		cli_print_argv(a.v);
	if (opt->gdb_port) {
		char kernel[4096];
		snprintf(kernel, sizeof kernel, "%s/build/bareflow.elf", cli_root());
		cli_gdb_attach_line(opt, kernel);
	}
	/* QEMU's stdin (COM1's input) is a pipe that stays open while it runs:
	 * at the end of its stdin QEMU's main loop spins, and its serial ports
	 * then give up on bytes the host is not taking yet. It carries the
	 * program's stdin unless that is in the archive. */
	pid_t relay = -1;
	int idle[2] = {-1, -1}, in;
	if (opt->program && !opt->stdin_in_module)
		in = cli_relay_stdin(ch.log_fd, ch.io[0], &relay);
	else
		in = pipe2(idle, O_CLOEXEC) < 0 ? -1 : idle[0];
	int saved_stdin = in >= 0 ? dup(0) : -1;
	if (in < 0 || saved_stdin < 0 || dup2(in, 0) < 0) {
		cli_error("cannot set up the guest's stdin");
		goto out;
	}
	close(in);
	ret = run(&a, opt, &ch, accel);
	if (opt->sample_hz && opt->program && ret != CLI_EXIT_TIMEOUT &&
	    cli_sample_report(opt, ch.log_fd) && !ret)
		ret = CLI_EXIT_FAILURE;
	if (relay > 0) {
		kill(relay, SIGKILL);
		waitpid(relay, NULL, 0);
	}
	if (idle[1] >= 0)
		close(idle[1]);
	dup2(saved_stdin, 0);
	close(saved_stdin);
	/* While a program runs the kernel log is kept aside; show it when the
	 * kernel itself failed or when asked. */
	if (opt->program && (opt->verbose || ret == CLI_EXIT_FAILURE)) {
		fputs("bareflow: kernel log:\n", stderr);
		cli_dump_fd(ch.log_fd);
	}
out:
	close_channels(&ch);
	if (tmp_iso)
		cli_iso_remove(tmp_iso);
	return ret;
}
