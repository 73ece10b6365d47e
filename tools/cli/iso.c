/* Per-run GRUB ISOs: the built kernel with a command line of our choosing. */
#include <errno.h>
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

	if (!in || !out) {
		if (in)
			fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			err = -1;
	fclose(in);
	return fclose(out) || err ? -1 : 0;
}

/* Run grub-mkrescue quietly; its chatter goes to LOG, shown on failure. */
static int mkrescue(const char *iso, const char *dir, const char *log)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		FILE *l = freopen(log, "w", stderr);
		(void)l;
		dup2(2, 1);
		execlp("grub-mkrescue", "grub-mkrescue", "-o", iso, dir, (char *)NULL);
		fprintf(stderr, "cannot run grub-mkrescue: %s\n", strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

char *cli_iso_build(const char *cmdline)
{
	char tmpl[] = "/tmp/bareflow-iso.XXXXXX", path[4200], kernel[4096], cfg[8192];

	if (strchr(cmdline, '"') || strchr(cmdline, '\n')) {
		cli_error("--cmdline for an ISO cannot contain quotes or newlines");
		return NULL;
	}
	char *dir = mkdtemp(tmpl);
	if (!dir) {
		cli_error("cannot create a temporary directory: %s", strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof path, "%s/root/boot/grub", dir);
	snprintf(kernel, sizeof kernel, "%s/build/bareflow.elf", cli_root());
	snprintf(cfg, sizeof cfg,
		 "set timeout=0\nset default=0\nmenuentry \"BareFlow\" {\n"
		 "\tmultiboot2 /boot/bareflow.elf %s\n\tboot\n}\n", cmdline);
	char root[4200], boot[4200], iso[4200], log[4200], elf[4200], grubcfg[4300];
	snprintf(root, sizeof root, "%s/root", dir);
	snprintf(boot, sizeof boot, "%s/root/boot", dir);
	snprintf(elf, sizeof elf, "%s/bareflow.elf", boot);
	snprintf(grubcfg, sizeof grubcfg, "%s/grub.cfg", path);
	snprintf(iso, sizeof iso, "%s/bareflow.iso", dir);
	snprintf(log, sizeof log, "%s/grub-mkrescue.log", dir);
	if (mkdir(root, 0700) || mkdir(boot, 0700) || mkdir(path, 0700) || copy_file(kernel, elf) ||
	    write_file(grubcfg, cfg) || mkrescue(iso, root, log)) {
		cli_error("cannot build a GRUB ISO in %s (see %s)", dir, log);
		return NULL;
	}
	return strdup(iso);
}

void cli_iso_cleanup(char *iso_path)
{
	char dir[4200], p[4300];
	const char *files[] = {"root/boot/grub/grub.cfg", "root/boot/bareflow.elf", "root/boot/grub",
			       "root/boot", "root", "grub-mkrescue.log", "bareflow.iso"};

	snprintf(dir, sizeof dir, "%s", iso_path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		remove(p);
	}
	rmdir(dir);
	free(iso_path);
}
