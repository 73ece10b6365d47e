/* --gdb: QEMU's gdb stub, and the one command that attaches Debian's gdb
 * with the kernel's symbols and the program's at its load address. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../kernel/include/elf.h"
#include "cli.h"

/* Where the kernel loads program's symbols: ELF_PIE_BASE for a static-pie
 * (ET_DYN) file, 0 for a fixed-address one (ET_EXEC). */
static unsigned long long load_offset(const char *program)
{
	struct elf64_ehdr h;
	int fd = open(program, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, &h, sizeof h);

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)sizeof h && h.type == 3 /* ET_DYN */ ? ELF_PIE_BASE : 0;
}

void cli_gdb_attach_line(const struct boot_options *opt, const char *kernel)
{
	char target[64], symbols[4200];

	snprintf(target, sizeof target, "target remote 127.0.0.1:%d", opt->gdb_port);
	fprintf(stderr,
		"bareflow: QEMU is stopped before the kernel runs, waiting for gdb on port %d; "
		"attach with:\n",
		opt->gdb_port);
	fputs("gdb -q ", stderr);
	cli_print_quoted(kernel);
	fputs(" -ex ", stderr);
	cli_print_quoted(target);
	if (opt->program) {
		/* gdb splits the command's words as a shell would: the path in
		 * double quotes, its own quotes and backslashes escaped */
		char path[4096];
		size_t k = 0;
		for (const char *c = opt->program_path; *c && k + 2 < sizeof path; c++) {
			if (*c == '"' || *c == '\\')
				path[k++] = '\\';
			path[k++] = *c;
		}
		path[k] = 0;
		snprintf(symbols, sizeof symbols, "add-symbol-file \"%s\" -o %#llx", path,
			 load_offset(opt->program_path));
		fputs(" -ex ", stderr);
		cli_print_quoted(symbols);
	}
	fputc('\n', stderr);
}

/* Append " 's'" to buf (len bytes, *n used): s quoted for the shell gdb
 * starts the program with. False if it does not fit. */
static bool append_quoted(char *buf, size_t len, size_t *n, const char *s)
{
	if (*n + 4 + 4 * strlen(s) >= len)
		return false;
	buf[(*n)++] = ' ';
	buf[(*n)++] = '\'';
	for (; *s; s++)
		if (*s == '\'') {
			memcpy(buf + *n, "'\\''", 4);
			*n += 4;
		} else {
			buf[(*n)++] = *s;
		}
	buf[(*n)++] = '\'';
	buf[*n] = 0;
	return true;
}

int cli_gdb_hosted(char *const argv[], const char *const envp[], int envc)
{
	static char wrapper[1 << 16];
	size_t n = (size_t)snprintf(wrapper, sizeof wrapper, "set exec-wrapper env -i");
	int argc = 0, wstatus;

	for (int i = 0; i < envc; i++)
		if (!append_quoted(wrapper, sizeof wrapper, &n, envp[i])) {
			cli_error("--gdb: the environment is too long to hand to gdb");
			return CLI_EXIT_USAGE;
		}
	while (argv[argc])
		argc++;
	char **v = calloc((size_t)argc + 8, sizeof *v);
	if (!v) {
		cli_error("out of memory");
		return CLI_EXIT_FAILURE;
	}
	/* the program's environment is only --env, as without gdb */
	const char *const head[] = {"gdb", "-q", "-iex", "set breakpoint pending on", "-iex",
				    wrapper, "--args"};
	int k = 0;
	for (; k < (int)(sizeof head / sizeof head[0]); k++)
		v[k] = (char *)head[k];
	for (int i = 0; i < argc; i++)
		v[k++] = argv[i];
	pid_t pid = fork();
	if (pid == 0) {
		execvp("gdb", v);
		cli_error("cannot run gdb: %s%s", strerror(errno),
			  errno == ENOENT ? " (run 'make setup': it installs gdb)" : "");
		_exit(CLI_EXIT_FAILURE);
	}
	free(v);
	if (pid < 0) {
		cli_error("cannot start gdb: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	/* Ctrl-C is gdb's: it stops the program, not us */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}
