/* Running QEMU: build its command line, run it with a timeout, and turn its
 * exit code back into the guest's status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_ARGS 48

struct argv_buf {
	const char *v[MAX_ARGS];
	int n;
	char mem[64], backend[128], machine[64];
};

static void push(struct argv_buf *a, const char *s)
{
	if (a->n < MAX_ARGS - 1)
		a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static const char *qemu_binary(void)
{
	const char *q = getenv("BAREFLOW_QEMU");
	return q && *q ? q : "qemu-system-x86_64";
}

/* No network device: the kernel has no driver, and SeaBIOS would spend tens
 * of milliseconds loading the NIC's boot ROM. Guest RAM is reserve=off: QEMU then maps it without reserving host memory
 * up front, so a 64 GiB guest boots on a smaller host; pages are only
 * backed when the guest touches them. */
static void build_argv(struct argv_buf *a, const struct boot_options *opt, const char *image)
{
	snprintf(a->mem, sizeof a->mem, "%lluM", opt->mem_mib);
	snprintf(a->backend, sizeof a->backend, "memory-backend-ram,id=ram0,size=%lluM,reserve=off",
		 opt->mem_mib);
	snprintf(a->machine, sizeof a->machine, "pc,memory-backend=ram0");
	a->n = 0;
	const char *fixed[] = {qemu_binary(), "-M", a->machine, "-object", a->backend, "-m", a->mem,
			       "-cpu", "max", "-smp", "1", "-display", "none", "-no-reboot",
			       "-monitor", "none", "-nic", "none", "-serial", "stdio", "-device",
			       "isa-debug-exit,iobase=0xf4,iosize=0x04"};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		push(a, fixed[i]);
	if (opt->iso) {
		push(a, "-cdrom");
		push(a, image);
		push(a, "-boot");
		push(a, "d");
	} else {
		push(a, "-kernel");
		push(a, image);
		if (opt->cmdline && *opt->cmdline) {
			push(a, "-append");
			push(a, opt->cmdline);
		}
	}
}

static void print_argv(const struct argv_buf *a)
{
	fputs("bareflow: running:", stderr);
	for (int i = 0; i < a->n; i++)
		fprintf(stderr, " %s", a->v[i]);
	fputc('\n', stderr);
}

static void dump_file(int fd)
{
	char buf[4096];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

/* Wait for pid up to timeout seconds (0 = forever). Returns 0 with *status
 * filled, 1 on timeout, or -1 if we were interrupted by SIGINT/SIGTERM. */
static int wait_child(pid_t pid, int timeout, int *status)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return 0;
		if (interrupted)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout && now.tv_sec - start.tv_sec >= timeout)
			return 1;
		struct timespec nap = {0, 2 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
}

static void stop_child(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	for (int i = 0; i < 200; i++) { /* 2 s grace, then SIGKILL */
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		struct timespec nap = {0, 10 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* QEMU's isa-debug-exit makes it exit with 2 * (status + 1) + 1 (see the
 * kernel's power.c); 0 and 1 are QEMU's own. */
static int map_status(int status, int errfd, bool verbose)
{
	if (WIFSIGNALED(status)) {
		cli_error("qemu was killed by signal %d", WTERMSIG(status));
		dump_file(errfd);
		return CLI_EXIT_FAILURE;
	}
	int e = WEXITSTATUS(status);
	if (verbose)
		dump_file(errfd);
	if (e >= 3 && (e & 1))
		return (e >> 1) - 1;
	if (e == 0) {
		cli_error("the guest reset or powered off without reporting an exit status "
			  "(triple fault?)");
		return CLI_EXIT_FAILURE;
	}
	cli_error("qemu failed (exit %d)", e);
	if (!verbose)
		dump_file(errfd);
	return CLI_EXIT_FAILURE;
}

static int run_qemu(const struct argv_buf *a, const struct boot_options *opt)
{
	char errpath[] = "/tmp/bareflow-qemu.XXXXXX";
	int errfd = mkstemp(errpath), status;

	if (errfd < 0) {
		cli_error("cannot create a temporary file: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	unlink(errpath);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(errfd, 2);
		execvp(a->v[0], (char *const *)a->v);
		dprintf(errfd, "cannot run %s: %s\n", a->v[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		cli_error("fork failed: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	int w = wait_child(pid, opt->timeout, &status);
	if (w != 0) {
		stop_child(pid);
		if (w > 0) {
			cli_error("timed out after %d s", opt->timeout);
			return CLI_EXIT_TIMEOUT;
		}
		return 128 + interrupted;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		dump_file(errfd);
		cli_error("is QEMU installed? Run 'make setup' (or sudo apt-get install qemu-system-x86)");
		return CLI_EXIT_FAILURE;
	}
	int ret = map_status(status, errfd, opt->verbose);
	close(errfd);
	return ret;
}

int cli_boot(const struct boot_options *opt)
{
	char kernel[4096], *tmp_iso = NULL;
	const char *image = kernel;
	struct stat st;
	struct argv_buf a;

	snprintf(kernel, sizeof kernel, "%s/build/%s", cli_root(),
		 opt->iso ? "bareflow.iso" : "bareflow.elf");
	if (stat(kernel, &st) != 0) {
		cli_error("%s is missing; run 'make' first", kernel);
		return CLI_EXIT_FAILURE;
	}
	if (opt->iso && opt->cmdline && *opt->cmdline) {
		tmp_iso = cli_iso_build(opt->cmdline);
		if (!tmp_iso)
			return CLI_EXIT_FAILURE;
		image = tmp_iso;
	}
	build_argv(&a, opt, image);
	if (opt->verbose)
		print_argv(&a);
	int ret = run_qemu(&a, opt);
	if (tmp_iso)
		cli_iso_cleanup(tmp_iso);
	return ret;
}
