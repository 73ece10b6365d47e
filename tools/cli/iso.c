/* Per-run GRUB ISOs: the built kernel with a command line of our choosing. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
	char buf[65536];
	size_t n;
	int err = 0;

	if (!out) {
		if (in)
			fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			err = -1;
	if (ferror(in))
		err = -1;
	fclose(in);
	return fclose(out) || err ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* GRUB's script language would expand $, split at ; and unquote; the words go
 * in single quotes, so only these stay impossible. */
static bool grub_safe(const char *cmdline)
{
	return !cmdline[strcspn(cmdline, "'\"\\\n\r")];
}

/* "set timeout=0" boots at once; each word single-quoted for GRUB's parser. */
static void make_grub_cfg(char *cfg, size_t size, const char *cmdline)
{
	size_t n = (size_t)snprintf(cfg, size,
				    "set timeout=0\nset default=0\nmenuentry \"BareFlow\" {\n"
				    "\tmultiboot2 /boot/bareflow.elf");
	for (const char *p = cmdline; *p && n < size;) {
		size_t space = strspn(p, " \t"), word;
		p += space;
		word = strcspn(p, " \t");
		if (word)
			n += (size_t)snprintf(cfg + n, size - n, " '%.*s'", (int)word, p);
		p += word;
	}
	if (n < size)
		snprintf(cfg + n, size - n, "\n\tboot\n}\n");
}

/* Run grub-mkrescue with its chatter in a temporary file, shown only if it fails. */
static int mkrescue(const char *iso, const char *root)
{
	char *argv[] = {"grub-mkrescue", "-o", (char *)iso, (char *)root, NULL};
	int log = cli_tmpfile(), wstatus = 0;

	if (log < 0)
		return -1;
	enum spawn_result r = cli_spawn(argv, log, log, 0, &wstatus);
	if (r == SPAWN_EXITED && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		close(log);
		return 0;
	}
	if (r == SPAWN_FAILED)
		cli_error("cannot run grub-mkrescue: %s (run 'make setup')", strerror(errno));
	else if (r == SPAWN_EXITED) {
		cli_dump_fd(log);
		cli_error("grub-mkrescue failed (%s %d)", WIFEXITED(wstatus) ? "exit" : "signal",
			  WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus));
	}
	close(log);
	return -1;
}

char *cli_iso_build(const char *cmdline)
{
	char tmpl[4096], kernel[4096], cfg[8192], p[5][4200];
	const char *tmp = getenv("TMPDIR");

	if (!grub_safe(cmdline)) {
		cli_error("with --iso, --cmdline cannot contain quotes, backslashes or newlines");
		return NULL;
	}
	snprintf(tmpl, sizeof tmpl, "%s/bareflow-iso.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *dir = mkdtemp(tmpl);
	if (!dir) {
		cli_error("cannot create a temporary directory: %s", strerror(errno));
		return NULL;
	}
	snprintf(kernel, sizeof kernel, "%s/build/bareflow.elf", cli_root());
	make_grub_cfg(cfg, sizeof cfg, cmdline);
	snprintf(p[0], sizeof p[0], "%s/root", dir);
	snprintf(p[1], sizeof p[1], "%s/root/boot", dir);
	snprintf(p[2], sizeof p[2], "%s/root/boot/grub", dir);
	snprintf(p[3], sizeof p[3], "%s/root/boot/bareflow.elf", dir);
	snprintf(p[4], sizeof p[4], "%s/root/boot/grub/grub.cfg", dir);
	if (mkdir(p[0], 0700) || mkdir(p[1], 0700) || mkdir(p[2], 0700)) {
		cli_error("cannot create %s: %s", p[2], strerror(errno));
	} else if (copy_file(kernel, p[3])) {
		cli_error("cannot copy %s: %s (run 'make')", kernel, strerror(errno));
	} else if (write_file(p[4], cfg)) {
		cli_error("cannot write %s: %s", p[4], strerror(errno));
	} else {
		char *iso = malloc(strlen(dir) + sizeof "/bareflow.iso");
		if (iso)
			sprintf(iso, "%s/bareflow.iso", dir);
		if (iso && mkrescue(iso, p[0]) == 0)
			return iso;
		free(iso);
	}
	remove_tree(dir);
	return NULL;
}

void cli_iso_remove(char *iso_path)
{
	char *slash = strrchr(iso_path, '/');

	if (slash) {
		*slash = 0;
		remove_tree(iso_path);
	}
	free(iso_path);
}
