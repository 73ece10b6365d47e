/* GRUB ISOs of the built kernel with a command line of our choosing and, for
 * `run`, the application's archive as its module. */
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
 * in single quotes, so only these stay impossible for `demo --cmdline`. */
static bool grub_safe(const char *cmdline)
{
	return !cmdline[strcspn(cmdline, "'\"\\\n\r")];
}

/*
 * One word of the kernel command line at *p (advanced past it), split and
 * unquoted the way the kernel does: spaces separate words except inside
 * double quotes, and inside them a backslash escapes the next character.
 * *quoted tells whether the word had quotes. Returns the word's length.
 */
static size_t kernel_word(const char **p, char *out, bool *quoted)
{
	size_t n = 0;
	bool in = false;

	*quoted = false;
	while (**p == ' ')
		(*p)++;
	for (; **p && (in || **p != ' '); (*p)++) {
		if (**p == '"') {
			in = !in;
			*quoted = true;
		} else if (in && **p == '\\' && (*p)[1]) {
			out[n++] = *++(*p);
		} else {
			out[n++] = **p;
		}
	}
	out[n] = 0;
	return n;
}

/*
 * GRUB does not pass a multiboot2 line on as written: it joins its words
 * with spaces, putting a word that holds a space in double quotes and a
 * backslash before each \ ' and " (GRUB 2.06; our cwd="/a" would arrive as
 * cwd=\"/a\"). So grub.cfg holds each kernel word unquoted (single-quoted for
 * GRUB's own parser) and the kernel gets GRUB's equivalent quoting, e.g.
 *   run cwd=/w exe=/w/hello -- /w/hello "two words" q\"uote
 * which reads back as the same words if the kernel takes a backslash outside
 * quotes as an escape too, and a word's key after unquoting ("cwd=/a b").
 * What GRUB cannot carry at all is refused: an empty argument, and an
 * argument "--" (it would arrive unquoted, as the separator).
 *
 * Appends the words to cfg; returns 0, or 2 after printing why.
 */
static int grub_words(char *cfg, size_t size, const char *cmdline)
{
	char word[KERNEL_CMDLINE_MAX];
	size_t n = strlen(cfg), grub_len = 0; /* what GRUB makes of them, with the NUL */
	const char *p = cmdline;
	bool quoted;

	if (strlen(cmdline) >= sizeof word)
		goto too_long;
	while (*(p += strspn(p, " "))) {
		size_t len = kernel_word(&p, word, &quoted);
		if (quoted && (!len || !strcmp(word, "--"))) {
			cli_error("with --iso, a program argument cannot be empty or \"--\": GRUB "
				  "would pass it on without quotes");
			return CLI_EXIT_USAGE;
		}
		grub_len += len + 1 + (strchr(word, ' ') ? 2 : 0);
		if (n + 2 < size) {
			cfg[n++] = ' ';
			cfg[n++] = '\'';
		}
		for (const char *c = word; *c; c++) {
			grub_len += *c == '\\' || *c == '\'' || *c == '"';
			if (n + 5 < size) /* GRUB's single quotes hold anything but ' itself */
				n += (size_t)sprintf(cfg + n, *c == '\'' ? "'\\''" : "%c", *c);
		}
		if (n + 1 < size)
			cfg[n++] = '\'';
		cfg[n] = 0;
	}
	if (grub_len <= KERNEL_CMDLINE_MAX && n + 5 < size)
		return 0;
too_long:
	cli_error("the arguments are too long for the kernel command line (at most %d bytes as "
		  "GRUB passes them on)",
		  KERNEL_CMDLINE_MAX - 1);
	return CLI_EXIT_USAGE;
}

/* grub.cfg: "set timeout=0" boots at once, with the archive as the one module. */
static int make_grub_cfg(char *cfg, size_t size, const char *cmdline, bool module)
{
	snprintf(cfg, size,
		 "set timeout=0\nset default=0\nmenuentry \"BareFlow\" {\n"
		 "\tmultiboot2 /boot/bareflow.elf");
	int r = grub_words(cfg, size, cmdline);
	if (r)
		return r;
	size_t n = strlen(cfg);
	snprintf(cfg + n, size - n, "\n%s\tboot\n}\n", module ? "\tmodule2 /boot/app.cpio\n" : "");
	return strlen(cfg) + 1 < size ? 0 : CLI_EXIT_USAGE;
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

/* Stage kernel, grub.cfg and archive in dir/root and make dir/bareflow.iso.
 * Returns 0 or -1 after printing why. */
static int build_in(const char *dir, const char *cfg, const struct cli_cpio *archive)
{
	char kernel[4096], p[6][4200];

	snprintf(kernel, sizeof kernel, "%s/build/bareflow.elf", cli_root());
	snprintf(p[0], sizeof p[0], "%s/root", dir);
	snprintf(p[1], sizeof p[1], "%s/root/boot", dir);
	snprintf(p[2], sizeof p[2], "%s/root/boot/grub", dir);
	snprintf(p[3], sizeof p[3], "%s/root/boot/bareflow.elf", dir);
	snprintf(p[4], sizeof p[4], "%s/root/boot/grub/grub.cfg", dir);
	snprintf(p[5], sizeof p[5], "%s/root/boot/app.cpio", dir);
	if (mkdir(p[0], 0700) || mkdir(p[1], 0700) || mkdir(p[2], 0700)) {
		cli_error("cannot create %s: %s", p[2], strerror(errno));
		return -1;
	}
	if (copy_file(kernel, p[3])) {
		cli_error("cannot copy %s: %s (run 'make')", kernel, strerror(errno));
		return -1;
	}
	if (write_file(p[4], cfg)) {
		cli_error("cannot write %s: %s", p[4], strerror(errno));
		return -1;
	}
	if (archive) {
		int fd = open(p[5], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			cli_error("cannot create %s: %s", p[5], strerror(errno));
			return -1;
		}
		int r = cli_cpio_write(archive, fd);
		if (close(fd) && !r) {
			cli_error("cannot write %s: %s", p[5], strerror(errno));
			r = -1;
		}
		if (r)
			return -1;
	}
	snprintf(p[3], sizeof p[3], "%s/bareflow.iso", dir);
	return mkrescue(p[3], p[0]);
}

/* A new directory under $TMPDIR, or NULL after printing why. */
static char *temp_dir(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/bareflow-iso.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *dir = mkdtemp(buf);
	if (!dir)
		cli_error("cannot create a temporary directory: %s", strerror(errno));
	return dir;
}

char *cli_iso_build(const char *cmdline)
{
	char tmpl[4096], cfg[8192];

	if (!grub_safe(cmdline)) {
		cli_error("with --iso, --cmdline cannot contain quotes, backslashes or newlines");
		return NULL;
	}
	if (make_grub_cfg(cfg, sizeof cfg, cmdline, false))
		return NULL;
	char *dir = temp_dir(tmpl, sizeof tmpl);
	if (!dir)
		return NULL;
	char *iso = malloc(strlen(dir) + sizeof "/bareflow.iso");
	if (iso && build_in(dir, cfg, NULL) == 0) {
		sprintf(iso, "%s/bareflow.iso", dir);
		return iso;
	}
	free(iso);
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

/* Whether an ISO can be written at out: not a directory, in one we may
 * write to. Returns 0, or 2 after printing why. */
static int check_out(const char *out)
{
	struct stat st;
	char dir[4096];

	if (!*out) {
		cli_error("--iso needs a file name");
		return CLI_EXIT_USAGE;
	}
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("--iso %s: %s", out, strerror(EISDIR));
		return CLI_EXIT_USAGE;
	}
	const char *slash = strrchr(out, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out) + 1 : 1, slash ? out : ".");
	if (access(dir, W_OK) != 0) {
		cli_error("--iso %s: %s", out, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	return 0;
}

int cli_iso_write(const char *out, const char *cmdline, const struct cli_cpio *archive)
{
	char tmpl[4096], cfg[8192], iso[4200];
	int r = check_out(out);

	if (r || (r = make_grub_cfg(cfg, sizeof cfg, cmdline, archive != NULL)))
		return r;
	char *dir = temp_dir(tmpl, sizeof tmpl);
	if (!dir)
		return CLI_EXIT_FAILURE;
	r = build_in(dir, cfg, archive) ? CLI_EXIT_FAILURE : 0;
	snprintf(iso, sizeof iso, "%s/bareflow.iso", dir);
	if (!r && rename(iso, out) != 0 && (errno != EXDEV || copy_file(iso, out) != 0)) {
		cli_error("cannot write %s: %s", out, strerror(errno));
		r = CLI_EXIT_FAILURE;
	}
	remove_tree(dir);
	return r;
}
