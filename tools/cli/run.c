/* `run`: the application's archive (the ELF, the --file files, the working
 * directory, the C.UTF-8 locale), handed to QEMU as the boot module or put
 * on an ISO. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* glibc's C.UTF-8 is not built in: setlocale(LC_ALL, "C.UTF-8") loads
 * these files (about 400 KiB, from Debian's libc-bin). */
#define C_UTF8_LOCALE "/usr/lib/locale/C.utf8"

/* The host's C.UTF-8 locale when it has one, then each --file (which may
 * replace it), the working directory, and the ELF itself, which so always
 * wins at its own path. Returns 0 or an exit status. */
static int gather(struct cli_cpio *a, const struct run_app *app)
{
	int r = 0;

	if (access(C_UTF8_LOCALE "/LC_CTYPE", R_OK) == 0)
		r = cli_cpio_add(a, C_UTF8_LOCALE, C_UTF8_LOCALE, "", false);
	for (int i = 0; i < app->nfiles && !r; i++) {
		const struct file_spec *f = &app->files[i];
		char *guest = cli_abspath(f->guest ? f->guest : f->host);
		if (!guest) {
			cli_error("--file %s: %s", f->host, strerror(errno));
			return CLI_EXIT_FAILURE;
		}
		r = cli_cpio_add(a, f->host, guest, "--file ", false);
		free(guest);
	}
	if (!r)
		r = cli_cpio_add_dir(a, app->cwd);
	if (!r)
		r = cli_cpio_add(a, app->elf, app->elf_path, "", true);
	return r;
}

/*
 * BAREFLOW_JIT_CHANNEL_CMD, a development hook (docs/architecture.md): a
 * shell command run at the host's end of the guest's /dev/hostjit, unless
 * the caller put a process there already. Returns its pid, 0 for none, or
 * -1 after printing why it cannot run.
 */
static pid_t channel_from_env(struct boot_options *opt)
{
	const char *cmd = getenv("BAREFLOW_JIT_CHANNEL_CMD");

	if (!cmd || !*cmd || opt->jit_fd)
		return 0;
	char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
	if (opt->verbose)
		cli_print_argv(argv);
	pid_t pid = cli_spawn_on_socket(argv, &opt->jit_fd, -1);
	if (pid < 0)
		cli_error("cannot run BAREFLOW_JIT_CHANNEL_CMD: %s", strerror(errno));
	return pid;
}

/* The shared file (cli_cpio_share) opened for QEMU, as /dev/fd/N in
 * path: QEMU maps what was checked, whatever happens to the name. Returns
 * the descriptor, or -1 after printing why. */
static int open_shared(struct boot_options *opt, char path[32])
{
	struct stat st;
	int fd = open(opt->shared, O_RDONLY); /* without close-on-exec: QEMU opens it by name */

	int bad = fd < 0 || fstat(fd, &st) ? errno : 0;
	if (bad || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size != opt->shared_size) {
		cli_error("%s: %s", opt->shared,
			  bad ? strerror(bad) : "it changed while the archive was made");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(path, 32, "/dev/fd/%d", fd);
	opt->shared = path;
	return fd;
}

/* Write the archive to an unlinked temporary file and boot with it. */
static int boot_with(struct boot_options *opt, const struct cli_cpio *a)
{
	char module[32], shared[32];
	int fd = cli_tmpfile(), r, shared_fd = -1;

	if (fd < 0)
		return CLI_EXIT_FAILURE;
	if (opt->shared && (shared_fd = open_shared(opt, shared)) < 0) {
		close(fd);
		return CLI_EXIT_FAILURE;
	}
	int open_fd = dup(fd); /* without close-on-exec: QEMU opens it by name */
	if (open_fd < 0 || cli_cpio_write(a, fd) != 0) {
		if (open_fd < 0)
			cli_error("cannot pass the archive on: %s", strerror(errno));
		close(fd);
		if (open_fd >= 0)
			close(open_fd);
		if (shared_fd >= 0)
			close(shared_fd);
		return CLI_EXIT_FAILURE;
	}
	snprintf(module, sizeof module, "/dev/fd/%d", open_fd);
	opt->module = module;
	if (opt->verbose)
		cli_error("boot module: a cpio archive of %lld bytes%s", (long long)lseek(fd, 0, SEEK_END),
			  opt->shared ? "; the program's file is mapped by the guest's shared-memory "
					"device"
				      : "");
	pid_t channel = channel_from_env(opt);
	r = channel < 0 ? CLI_EXIT_FAILURE : cli_boot(opt);
	opt->module = NULL;
	if (channel > 0) {
		close(opt->jit_fd);
		opt->jit_fd = 0;
		cli_stop_on_socket(channel);
	}
	close(open_fd);
	close(fd);
	if (shared_fd >= 0)
		close(shared_fd);
	opt->shared = NULL;
	return r;
}

int cli_run(struct boot_options *opt, const struct run_app *app)
{
	struct cli_cpio *a = cli_cpio_new();
	int r;

	if (!a) {
		cli_error("out of memory");
		return CLI_EXIT_FAILURE;
	}
	r = cli_cpio_set_args(a, app->cwd, app->elf_path, app->argc, app->argv, app->envc,
			      app->envp);
	if (!r)
		r = gather(a, app);
	/* A large program (the JIT's runtime, built to a power-of-two size
	 * for this) is mapped by the guest, not copied in: 50 MiB cost 55 ms
	 * a boot. An ISO carries everything. */
	opt->shared = NULL;
	if (!r && !app->iso_out)
		opt->shared = cli_cpio_share(a, app->elf_path, &opt->shared_size);
	if (!r && !opt->shared && app->padded) /* in the archive: its data, not the padding */
		cli_cpio_trim_hole(a, app->elf_path);
	/* QEMU would refuse an archive larger than the RAM below 4 GiB, and the
	 * kernel panic without the free RAM it needs; an ISO boots elsewhere. */
	unsigned long long size = r ? 0 : cli_cpio_size(a);
	if (!r && !app->iso_out) {
		cli_mem_devices(opt->ndisks, opt->work_mib);
		r = cli_mem_check(opt->mem_mib, size);
	}
	/* A file on stdin goes in the archive, up to a quarter of the guest's
	 * memory (and what the kernel can spare): it is then read at memory
	 * speed, and seekable as on Linux. */
	if (!r && !app->iso_out) {
		unsigned long long spare = cli_mem_spare(opt->mem_mib, size);
		opt->stdin_in_module = cli_cpio_take_stdin(
		    a, (opt->mem_mib << 18) < spare ? opt->mem_mib << 18 : spare);
	}
	if (!r && app->iso_out) {
		r = cli_iso_write(app->iso_out, opt->cmdline, a);
		if (!r)
			cli_error("wrote %s", app->iso_out);
	} else if (!r) {
		r = boot_with(opt, a);
	}
	opt->shared = NULL; /* the archive's, freed now */
	cli_cpio_free(a);
	return r;
}
