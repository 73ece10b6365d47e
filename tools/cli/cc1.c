/*
 * The C front end without clang's driver.
 *
 * Run as `clang-19 FLAGS -c -o OUT -- SRC`, every source costs a process,
 * and the start of one (mapping clang's shared libraries, relocating them,
 * their constructors) is 25 ms of the 35 that a small file takes. Given
 * several sources, the driver still starts a process for each. clang's
 * compiler proper, `clang -cc1`, given several inputs, compiles them one
 * after the other in one process, and with `-o -` writes their bitcode one
 * after the other to its output. So the sources are split into a group per
 * CPU that we may run on (a group holds sources of one directory), each
 * compiled by one cc1, and its output is cut into the modules (cut_modules):
 * crc's four files on two CPUs took 41 ms so, against 64 with a driver per
 * file.
 *
 * cc1's command line is the one the driver would run, which `clang -###`
 * prints. Asking costs a driver's start, so the answer is kept in
 * build/frontend.cc1 for the clang binary, flags and environment it was
 * asked with (cli_frontend_toolchain); when they change, the next run asks
 * again, beside its own compiles, which go to the driver.
 *
 * The sources are cc1's inputs as given, in our working directory, so what
 * each sees is what the driver gives it: its __FILE__, the directories its
 * #include looks in, the paths of its headers; its bitcode is the driver's
 * byte for byte, but where a source has a struct type of a name an earlier
 * source of its group had (one LLVM context, which numbers the second).
 * What one process for several sources shares, cc1 does not reset between
 * them, and where that shows, the group goes to the driver (group_clean):
 *  - file names: a file keeps the name it was first read by, so a header
 *    that one source reaches as "x/../h.h" and an earlier one as "h.h" would
 *    have the earlier name in the later source's __FILE__; cc1's make rule
 *    (one for all, each name once) then has a name that its header list
 *    (each header each source entered, by the file's name) lacks; and a
 *    source that a source includes is no header of the list, so its file
 *    is looked for there;
 *  - the make rule drops a leading "./", which hides "./h.h" against "h.h",
 *    and diagnostic pragmas hold from one source into the next (their state
 *    is kept by file number and offset, which start again with each source):
 *    so a group of several goes to the driver where a source or a header
 *    outside the system's directories has one (scan_text); a source that
 *    has one, or includes a file of the user's that has one, is never put
 *    with others (enum place, file_plain);
 *  - a group that printed anything (a warning, an error: the count goes on).
 * What is left: a diagnostic pragma in a system header (outside the
 * system's own, balanced by push and pop) can silence a warning of a later
 * source, whose code is the same. Each source's dependencies, for the front
 * end's cache, are its own file, the headers it entered (between the marks
 * that an empty file included first into every source makes in the header
 * list), and those of the group's that it may have looked for
 * (source_deps). A group is also left to the driver when its cc1 cannot
 * be started or ends other than by exiting with 0, a source whose name is
 * not a plain path (a leading '-', a newline), and every source while the
 * environment has a CC_ variable (the driver's CC_PRINT_HEADERS and such).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define CC1_MAGIC "bareflow-cc1 2"
#define CC1_FILE "build/frontend.cc1"
#define CC1_MAX_ARGS 256   /* the kept command line's words, at most */
#define GROUP_MAX 256	   /* a group's sources, at most */
#define GROUPS_MAX 64	   /* groups at once, at most: more sources go to the driver */

/* cc1's command line without the inputs and what names them: argv[0] is
 * the compiler, the words in text. */
struct cc1_line {
	char *text;
	const char *argv[CC1_MAX_ARGS];
	int argc;
};

/* A driver asked for the command line (cli_cc1_finish waits for it). */
static struct {
	pid_t pid;
	char key[33];
	char out[4200]; /* what it printed */
	char src[4200]; /* the empty source it was asked about */
} probe;

static void cc1_path(char *path, size_t size)
{
	snprintf(path, size, "%s/" CC1_FILE, cli_root());
}

/* The kept command line if it was made for key: true, with l filled. */
static bool cc1_load(const char *key, struct cc1_line *l)
{
	char path[4200], *data;
	size_t size;
	cc1_path(path, sizeof path);
	if (cli_read_whole(path, &data, &size))
		return false;
	char *line = strchr(data, '\n'), *p;
	if (!line || strncmp(data, CC1_MAGIC " ", sizeof CC1_MAGIC) ||
	    (size_t)(line - data) != sizeof CC1_MAGIC + 32 ||
	    strncmp(data + sizeof CC1_MAGIC, key, 32))
		goto bad;
	l->text = data;
	l->argc = 0;
	for (p = line + 1; *p; p = line + 1) {
		if (!(line = strchr(p, '\n')) || l->argc >= CC1_MAX_ARGS)
			goto bad;
		*line = 0;
		l->argv[l->argc++] = p;
	}
	if (l->argc >= 2 && l->argv[0][0] == '/' && !strcmp(l->argv[1], "-cc1"))
		return true;
bad:
	free(data);
	return false;
}

/* The next word of a line clang -### printed: "..." with \ escaping the
 * character after it, into w. Returns where it ends, or NULL. */
static const char *quoted_word(const char *p, char *w, size_t size)
{
	size_t n = 0;
	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		if (*p == '\\')
			p++;
		if (!*p || *p == '\n' || n + 1 >= size)
			return NULL;
		w[n++] = *p;
	}
	w[n] = 0;
	return p + 1;
}

/* From what the driver printed for compiling probe.src, the command line
 * to keep: the cc1 line's words but the input and the names made from it
 * (-main-file-name, -o, -x) and the working directory (which is the
 * run's), one per line. False unless the whole line parses, and if a word
 * names the probe's directory. */
static bool cc1_parse(const char *printed, FILE *to)
{
	const char *p = strstr(printed, "\" \"-cc1\" ");
	char w[4200], dir[4200];
	int k = 0;
	snprintf(dir, sizeof dir, "%s", probe.src);
	*strrchr(dir, '/') = 0;
	if (!p)
		return false;
	while (p > printed && p[-1] != '\n')
		p--;
	while (*p == ' ')
		p++;
	for (; *p && *p != '\n'; k++) { /* ' "WORD"' ... up to the line's end */
		if (!(p = quoted_word(p, w, sizeof w)) || (*p != ' ' && *p != '\n' && *p))
			return false;
		p += *p == ' ';
		if (!strcmp(w, "-main-file-name") || !strcmp(w, "-o") || !strcmp(w, "-x")) {
			if (!(p = quoted_word(p, w, sizeof w)))
				return false;
			p += *p == ' ';
			continue;
		}
		if (!strcmp(w, probe.src) || !strncmp(w, "-fdebug-compilation-dir=", 24) ||
		    !strncmp(w, "-fcoverage-compilation-dir=", 27))
			continue;
		if (strstr(w, dir) || k >= CC1_MAX_ARGS)
			return false;
		fprintf(to, "%s\n", w);
	}
	return k > 2;
}

void cli_cc1_finish(void)
{
	char *printed = NULL, path[4200], tmp[4300];
	size_t size;
	int wstatus = -1;
	if (probe.pid <= 0)
		return;
	while (waitpid(probe.pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	probe.pid = 0;
	if (wstatus == -1 || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) ||
	    cli_read_whole(probe.out, &printed, &size))
		goto out;
	cc1_path(path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "we");
	if (!f)
		goto out; /* a build directory we cannot write: the driver every time */
	fprintf(f, CC1_MAGIC " %s\n", probe.key);
	bool ok = cc1_parse(printed, f);
	if (fclose(f) || !ok || rename(tmp, path))
		unlink(tmp);
out:
	free(printed);
}

/* Start a child that runs argv[0] (a path, or searched in PATH with
 * search) with stdout on out and stderr on err, and dies with us. Its pid,
 * or -1. */
static pid_t start(const char *const *argv, bool search, int out, int err)
{
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(127);
		if (search)
			execvp(argv[0], (char *const *)argv);
		else
			execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Ask the driver, in the background, what it would run for the flags. */
static void cc1_ask(const char *clang, const char *const *flags, int nflags, const char *dir,
		    const char *key)
{
	const char *argv[64];
	int n = 0, fd;
	if (nflags > 50)
		return;
	snprintf(probe.src, sizeof probe.src, "%s/probe.c", dir);
	snprintf(probe.out, sizeof probe.out, "%s/probe.txt", dir);
	snprintf(probe.key, sizeof probe.key, "%s", key);
	if ((fd = open(probe.src, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return;
	close(fd);
	if ((fd = open(probe.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return;
	argv[n++] = clang;
	for (int i = 0; i < nflags; i++)
		argv[n++] = flags[i];
	argv[n++] = "-###";
	argv[n++] = "-o";
	argv[n++] = "probe.bc";
	argv[n++] = "--";
	argv[n++] = probe.src;
	argv[n] = NULL;
	probe.pid = start(argv, true, fd, fd);
	close(fd);
}

/* The directory of a source as given ("" for none): a group's sources
 * share one, so that they name their headers alike. */
static void src_dir(const char *src, char *dir, size_t size)
{
	const char *slash = strrchr(src, '/');
	snprintf(dir, size, "%.*s", slash ? (int)(slash - src) : 0, src);
}

/* One cc1 and its sources, the indexes in[0..n). It writes DIR.mods (the
 * modules one after the other), DIR.err (its stderr), DIR.d (the make rule
 * of all it read) and DIR.h (the header list). */
struct group {
	char dir[4200];	    /* the files' names without the suffix */
	char src_dir[4200]; /* its sources' (src_dir) */
	int in[GROUP_MAX], n;
	bool deps;    /* some source is to be kept in the cache */
	bool lookups; /* a file of the user's may look for files it does not read */
	pid_t pid;
	struct timespec start; /* the compile's, for the cache */
	char *heads, *rule;    /* DIR.h and DIR.d, once read */
};

/* Start g's cc1 on its sources, each including mark (an empty file) first:
 * where a source's headers begin in the header list. False if it cannot
 * be. */
static bool group_start(struct group *g, const struct cc1_line *l, const char *const *src,
			const char *mark)
{
	const char *argv[CC1_MAX_ARGS + GROUP_MAX + 24];
	char cwd[4096], debug_dir[4200], coverage_dir[4200], out[4300], dep[4300], err[4300],
	    heads[4300];
	int n = 0, fd, efd;

	snprintf(out, sizeof out, "%s.mods", g->dir);
	snprintf(dep, sizeof dep, "%s.d", g->dir);
	snprintf(heads, sizeof heads, "%s.h", g->dir);
	snprintf(err, sizeof err, "%s.err", g->dir);
	if (!getcwd(cwd, sizeof cwd) || (g->deps && cli_frontend_start(dep, &g->start)))
		return false;
	snprintf(debug_dir, sizeof debug_dir, "-fdebug-compilation-dir=%s", cwd);
	snprintf(coverage_dir, sizeof coverage_dir, "-fcoverage-compilation-dir=%s", cwd);
	/* the mark is included first, before any -include of the user's,
	 * whose headers are then each source's in the header list */
	for (int i = 0; i < l->argc && i < 2; i++)
		argv[n++] = l->argv[i];
	argv[n++] = "-include";
	argv[n++] = mark;
	for (int i = 2; i < l->argc; i++)
		argv[n++] = l->argv[i];
	argv[n++] = debug_dir;
	argv[n++] = coverage_dir;
	argv[n++] = "-dependency-file";
	argv[n++] = dep;
	argv[n++] = "-MT";
	argv[n++] = "x";
	argv[n++] = "-sys-header-deps";
	argv[n++] = "-header-include-file";
	argv[n++] = heads;
	argv[n++] = "-o";
	argv[n++] = "-";
	argv[n++] = "-x";
	argv[n++] = "c";
	for (int i = 0; i < g->n; i++)
		argv[n++] = src[g->in[i]];
	argv[n] = NULL;
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return false;
	if ((efd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) >= 0) {
		g->pid = start(argv, false, fd, efd);
		close(efd);
	}
	close(fd);
	return g->pid > 0;
}

/* What group_clean's walks over the make rule need. */
struct check {
	const struct group *g;
	const char *const *src;
	const char *const *sys; /* the system's header directories, NULL-ended */
	bool plain;		/* every file the user wrote reads plainly */
	bool lookups;		/* one may look for a file it does not read */
	struct {
		dev_t dev;
		ino_t ino;
	} ids[GROUP_MAX]; /* the sources' files */
};

/* text as the preprocessor reads it, in a new string: lines joined where a
 * backslash ends one (before \n, \r, \r\n or \n\r), comments a space each
 * (string and character literals kept), a NUL a space. NULL when out of
 * memory. */
static char *as_read(const char *text, size_t size)
{
	char *t = malloc(size + 1);
	size_t n = 0;
	char quote = 0; /* in a literal: its quote */
	bool line_comment = false, block_comment = false;
	if (!t)
		return NULL;
	for (size_t i = 0; i < size; i++) {
		char ch = text[i];
		if (ch == '\\' && i + 1 < size && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
			i++;
			if (i + 1 < size && text[i + 1] != text[i] &&
			    (text[i + 1] == '\n' || text[i + 1] == '\r'))
				i++;
			continue;
		}
		if (block_comment) {
			if (ch == '*' && i + 1 < size && text[i + 1] == '/')
				block_comment = false, i++;
			continue;
		}
		if (line_comment && ch != '\n')
			continue;
		line_comment = false;
		if (quote) {
			if (ch == '\\' && i + 1 < size)
				t[n++] = ch, ch = text[++i];
			else if (ch == quote || ch == '\n')
				quote = 0;
		} else if (ch == '"' || ch == '\'') {
			quote = ch;
		} else if (ch == '/' && i + 1 < size &&
			   (text[i + 1] == '*' || text[i + 1] == '/')) {
			block_comment = text[++i] == '*';
			line_comment = !block_comment;
			ch = ' ';
		}
		t[n++] = ch ? ch : ' ';
	}
	t[n] = 0;
	return t;
}

/* The text of the file at path as the preprocessor reads it (as_read);
 * NULL if it cannot be read, or when out of memory. */
static char *read_as_cc1(const char *path)
{
	char *text, *t;
	size_t size;
	if (cli_read_whole(path, &text, &size))
		return NULL;
	t = as_read(text, size);
	free(text);
	return t;
}

/* The directive a line begins with (after "#" or "%:"): its name's length,
 * the name at *name, what follows at *rest; 0 for none. */
static size_t directive(const char *p, const char **name, const char **rest)
{
	const char *q = p + strspn(p, " \t\f\v");
	if (*q == '#')
		q++;
	else if (q[0] == '%' && q[1] == ':')
		q += 2;
	else
		return 0;
	q += strspn(q, " \t\f\v");
	size_t w = strspn(q, "abcdefghijklmnopqrstuvwxyz_");
	*name = q;
	*rest = q + w + strspn(q + w, " \t\f\v");
	return w;
}

/* Whether a directive's name, w characters at name, is word. */
static bool is(const char *name, size_t w, const char *word)
{
	return w == strlen(word) && !strncmp(name, word, w);
}

/* Whether a directive's name is one that includes a file. */
static bool is_include(const char *name, size_t w)
{
	return is(name, w, "include") || is(name, w, "include_next") || is(name, w, "import");
}

/* What a file of the user's (its text t, as_read) says of a group of
 * several sources: in *plain, that it has nothing cc1 could carry from one
 * source to the next without the make rule showing it (no "diagnostic": a
 * pragma's state; no "./ after a quote: a name the rule writes without
 * it; no _Pragma but of a string, no #include or #import of a macro: either
 * could build those); in *lookups, that it may look for a file without
 * reading it (__has_include, embed, or ## that could paste one). */
static void scan_text(const char *t, bool *plain, bool *lookups)
{
	if (strstr(t, "diagnostic") || strstr(t, "\"./"))
		*plain = false;
	if (strstr(t, "__has_include") || strstr(t, "embed") || strstr(t, "##") ||
	    strstr(t, "%:%:"))
		*lookups = true;
	for (const char *p = t; (p = strstr(p, "_Pragma")); p += 7) {
		const char *q = p + 7 + strspn(p + 7, " \t");
		q += *q == '(';
		q += strspn(q, " \t");
		if (*q != '"' && *q != 'L' && *q != 'u' && *q != 'U')
			*plain = false;
	}
	const char *name, *rest;
	for (const char *p = t; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		size_t w = directive(p, &name, &rest);
		if (w && is_include(name, w) && *rest != '"' && *rest != '<')
			*plain = false;
	}
}

/* s without a leading "./" (or several), as the make rule writes names. */
static const char *no_dot_slash(const char *s)
{
	while (s[0] == '.' && s[1] == '/')
		s += 2;
	return s;
}

/* Whether a line of the header list heads names path, leading "./"s set
 * aside (the rule drops them, the list keeps them). */
static bool named(const char *heads, const char *path)
{
	const char *bare = no_dot_slash(path);
	size_t len = strlen(bare);
	for (const char *q = heads, *end; *q && (end = strchr(q, '\n')); q = end + 1) {
		const char *name = no_dot_slash(q);
		if ((size_t)(end - name) == len && !strncmp(name, bare, len))
			return true;
	}
	return false;
}

/* Whether path names one of g's sources (as the rule writes it). */
static bool is_source(const struct group *g, const char *const *src, const char *path)
{
	for (int i = 0; i < g->n; i++)
		if (!strcmp(no_dot_slash(src[g->in[i]]), no_dot_slash(path)))
			return true;
	return false;
}

/* Whether path is in one of the system's header directories sys. */
static bool in_system(const char *path, const char *const *sys)
{
	for (int i = 0; sys[i]; i++) {
		size_t n = strlen(sys[i]);
		if (!strncmp(path, sys[i], n) && path[n] == '/')
			return true;
	}
	return false;
}

/* For cli_each_dep over the rule: false for a file that the header list
 * names nowhere (with or without a leading "./") and is no source, and for
 * a file of a source (c->ids) under another name; notes in c->plain
 * whether each file the user wrote reads plainly. */
static bool known_dep(const char *path, void *arg)
{
	struct check *c = arg;
	bool source = is_source(c->g, c->src, path);
	if (!source && !named(c->g->heads, path))
		return false;
	struct stat st;
	if (!in_system(path, c->sys)) {
		char *t = read_as_cc1(path);
		if (!t)
			return false;
		scan_text(t, &c->plain, &c->lookups);
		free(t);
	}
	/* a source entered as a header (by another source, or by itself) */
	if (!source && !stat(path, &st))
		for (int i = 0; i < c->g->n; i++)
			if (c->ids[i].dev == st.st_dev && c->ids[i].ino == st.st_ino)
				return false;
	return true;
}

/* Split the bitcode files of the n modules cc1 wrote one after the other
 * in data[0..size) off into the files out[k]: each begins with the magic
 * 'B' 'C' 0xC0 0xDE, then its top-level blocks, each of which (read at
 * the top level's abbreviation width, 2) is ENTER_SUBBLOCK (1), its block
 * id (VBR 8), its abbreviation width (VBR 4), then at the next 32-bit word
 * the number of 32-bit words in the block. False unless there are exactly
 * n whole modules. */
static bool cut_modules(const unsigned char *data, size_t size, int n, const char *const *out)
{
	size_t at = 0;
	for (int k = 0; k < n; k++) {
		size_t begin = at;
		if (size - at < 4 || memcmp(data + at, "BC\xc0\xde", 4))
			return false;
		at += 4;
		while (size - at >= 4 && memcmp(data + at, "BC\xc0\xde", 4)) {
			uint64_t bits = 0;
			unsigned nbits = 0, pos = 0;
			/* the block's header: 2 + VBR8 + VBR4 bits, within 8 bytes */
			for (int b = 0; b < 8 && at + (size_t)b < size; b++)
				bits |= (uint64_t)data[at + (size_t)b] << (8 * b);
			if ((bits & 3) != 1) /* ENTER_SUBBLOCK */
				return false;
			pos = 2;
			for (unsigned chunk;; pos += 8) { /* the block id, VBR 8 */
				chunk = (unsigned)(bits >> pos) & 0xff;
				if (!(chunk & 0x80) || pos > 40)
					break;
			}
			pos += 8;
			for (unsigned chunk;; pos += 4) { /* the abbreviation width, VBR 4 */
				chunk = (unsigned)(bits >> pos) & 0xf;
				if (!(chunk & 0x8) || pos > 56)
					break;
			}
			pos += 4;
			nbits = (pos + 31) / 32 * 32; /* to the next word */
			size_t head = nbits / 8;
			if (size - at < head + 4)
				return false;
			const unsigned char *w = data + at + head; /* little-endian */
			uint32_t words = (uint32_t)w[0] | (uint32_t)w[1] << 8 |
					 (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
			if ((size - at - head - 4) / 4 < words)
				return false;
			at += head + 4 + (size_t)words * 4;
		}
		int fd = open(out[k], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		bool ok = fd >= 0 && write(fd, data + begin, at - begin) == (ssize_t)(at - begin);
		if (fd >= 0 && close(fd))
			ok = false;
		if (!ok)
			return false;
	}
	return at == size;
}

/* Whether g's cc1 did what a driver each would have (see the top), and its
 * modules are in their files. */
static bool group_clean(struct group *g, int wstatus, const char *const *src, char *const *bc,
			const char *const *sys)
{
	char path[4300], *code;
	size_t size;
	struct stat st;
	snprintf(path, sizeof path, "%s.err", g->dir);
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) || stat(path, &st) || st.st_size)
		return false;
	snprintf(path, sizeof path, "%s.h", g->dir);
	if (cli_read_whole(path, &g->heads, &size))
		return false;
	snprintf(path, sizeof path, "%s.d", g->dir);
	struct check c = {g, src, sys, true, false, {{0, 0}}};
	for (int i = 0; i < g->n; i++) {
		if (stat(src[g->in[i]], &st))
			return false;
		c.ids[i].dev = st.st_dev;
		c.ids[i].ino = st.st_ino;
		for (int j = 0; j < i; j++) /* one file twice: the second has the first's name */
			if (c.ids[j].dev == st.st_dev && c.ids[j].ino == st.st_ino)
				return false;
	}
	if (cli_read_whole(path, &g->rule, &size) || !cli_each_dep(g->rule, known_dep, &c) ||
	    (!c.plain && g->n > 1))
		return false;
	g->lookups = c.lookups;
	snprintf(path, sizeof path, "%s.mods", g->dir);
	if (cli_read_whole(path, &code, &size))
		return false;
	const char *out[GROUP_MAX];
	for (int i = 0; i < g->n; i++)
		out[i] = bc[g->in[i]];
	bool ok = cut_modules((const unsigned char *)code, size, g->n, out);
	free(code);
	return ok;
}

/* Append path to the make rule being written to f, escaped as clang
 * escapes it: "\ " for a space, "\#" for '#', "$$" for '$'. */
static void put_dep(FILE *f, const char *path, size_t len)
{
	fputs(" \\\n ", f);
	for (size_t i = 0; i < len; i++) {
		if (path[i] == ' ' || path[i] == '#')
			fputc('\\', f);
		else if (path[i] == '$')
			fputc('$', f);
		fputc(path[i], f);
	}
}

/* What put_header needs. */
struct deps {
	FILE *f;
	const struct group *g;
	const char *const *src, *const *sys;
	const char *mark;
	const char *from, *to; /* the source's lines of the header list */
};

/* Whether [p, end) is one of the lines [from, to). */
static bool among(const char *from, const char *to, const char *p, const char *end)
{
	for (const char *q = from; q < to; q = strchr(q, '\n') + 1)
		if (!strncmp(q, p, (size_t)(end - p)) && q[end - p] == '\n')
			return true;
	return false;
}

/* For cli_each_dep over the group's rule: put path in the rule being
 * written if it may be what a source looked for without reading it: a
 * system header (whose lookups find only the system's), or any but the
 * group's sources and the mark where a file of the user's looks. */
static bool put_header(const char *path, void *arg)
{
	const struct deps *d = arg;
	if (!strcmp(path, d->mark) || among(d->from, d->to, path, path + strlen(path)))
		return true;
	if (!in_system(path, d->sys)) {
		if (!d->g->lookups || is_source(d->g, d->src, path))
			return true;
	}
	put_dep(d->f, path, strlen(path));
	return true;
}

/* The dependency list of the group's i-th source, in make's form for
 * cli_frontend_store, in a new file (its path in out): the source as
 * given; the headers the list has between the i-th mark and the next
 * (each once), which it read; and of the group's make rule (one for all
 * its sources, each file once, with what __has_include found but did not
 * read, for which source no list says) the system's headers, and where a
 * file of the user's may look for one, every header. False if it cannot be
 * made. */
static bool source_deps(const struct group *g, const char *const *src, int i, const char *mark,
			const char *const *sys, char *out, size_t size)
{
	size_t mlen = strlen(mark);
	const char *from = NULL, *to = NULL, *p = g->heads;
	for (int marks = 0; *p && !to;) { /* the lines, up to the (i+1)-th mark's */
		const char *end = strchr(p, '\n');
		if (!end)
			return false;
		if ((size_t)(end - p) == mlen && !strncmp(p, mark, mlen)) {
			if (marks == i)
				from = end + 1;
			else if (marks == i + 1)
				to = p;
			marks++;
		}
		p = end + 1;
	}
	if (!from)
		return false;
	if (!to)
		to = p;
	snprintf(out, size, "%s.%d.d", g->dir, i);
	FILE *f = fopen(out, "we");
	if (!f)
		return false;
	fputs("x:", f);
	put_dep(f, src[g->in[i]], strlen(src[g->in[i]]));
	for (p = from; p < to;) {
		const char *end = strchr(p, '\n');
		if (!among(from, p, p, end)) /* once: a header entered again, unguarded */
			put_dep(f, p, (size_t)(end - p));
		p = end + 1;
	}
	struct deps d = {f, g, src, sys, mark, from, to};
	bool parsed = cli_each_dep(g->rule, put_header, &d);
	fputc('\n', f);
	return !fclose(f) && parsed;
}

/* Wait for g's cc1 and settle its sources: their modules in their files and
 * kept in the cache, or left to the driver (also when cc1 was killed: the
 * driver then says why, or is killed the same way). */
static void group_end(struct group *g, const char *const *src, char *const *bc,
		      char (*entry)[4200], int *status, const char *mark, const char *const *sys)
{
	int wstatus;
	char dep[4300];
	while (waitpid(g->pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return;
	if (!group_clean(g, wstatus, src, bc, sys))
		return; /* the driver's, which will say what there is to say */
	for (int i = 0; i < g->n; i++) {
		int k = g->in[i];
		status[k] = 0;
		if (g->deps && entry[k][0] && source_deps(g, src, i, mark, sys, dep, sizeof dep))
			cli_frontend_store(entry[k], bc[k], dep, &g->start);
	}
}

/* Where a source goes: into a group with others of its directory; into a
 * group of its own, its text or a header of the user's it includes not
 * plain (a group of several would go to the driver after its cc1 had
 * compiled them all: brotli's sources include their headers as "./h.h",
 * and its 30 files were compiled twice), where it is the only source of
 * its directory or a CPU has no group, else the driver's; or the driver's:
 * a name cc1 cannot take, a file that cannot be read (the driver says
 * why). */
enum place { TO_DRIVER, GROUPED, ALONE };

/* What place_of reads: the directories cc1's line searches for includes
 * of the user's (-iquote for quoted names only, -I for both; the system's
 * are never read), the files it includes into every source (-include),
 * and the files read so far, each once, whether it reads plainly. */
#define READ_MAX 1024
struct reading {
	const char *quote[CC1_MAX_ARGS], *dirs[CC1_MAX_ARGS], *forced[CC1_MAX_ARGS];
	int nquote, ndirs, nforced;
	const char *const *sys;
	struct {
		dev_t dev;
		ino_t ino;
		bool plain;
	} seen[READ_MAX];
	int nseen;
};

static bool file_plain(struct reading *r, const char *path, int depth);

/* Whether the file an include names, looked for where cc1 would look
 * (from dir, the including file's, for a quoted name), reads plainly with
 * what it includes; a file not found, or in the system's directories,
 * does (cc1 will find what it finds, and group_clean see it). */
static bool include_plain(struct reading *r, const char *dir, const char *name, bool quoted,
			  int depth)
{
	char path[4200];
	const char *const *lists[3] = {quoted ? (const char *const *)&dir : NULL,
				       quoted ? r->quote : NULL, r->dirs};
	int counts[3] = {1, r->nquote, r->ndirs};
	if (name[0] == '/')
		return in_system(name, r->sys) || file_plain(r, name, depth);
	for (int l = 0; l < 3; l++)
		for (int k = 0; lists[l] && k < counts[l]; k++) {
			snprintf(path, sizeof path, "%s%s%s", lists[l][k], *lists[l][k] ? "/" : "",
				 name);
			struct stat st;
			if (stat(path, &st) || !S_ISREG(st.st_mode))
				continue;
			return in_system(path, r->sys) || file_plain(r, path, depth);
		}
	return true;
}

/* The directory quoted includes of the file at path are looked for in. */
static void file_dir(const char *path, char *dir, size_t size)
{
	src_dir(path, dir, size);
	if (path[0] == '/' && !dir[0])
		snprintf(dir, size, "/");
}

/* Whether the text t of a file in directory dir reads plainly (scan_text),
 * with every file of the user's that it includes, whatever #if surrounds
 * the include but #if 0: a file cc1 does not read (a header for another
 * system) can put a source alone that need not be, and that source then
 * costs a driver's start more, where a group that a file it reads spoils
 * costs a second compile of each of the group's sources. */
static bool text_plain(struct reading *r, const char *t, const char *dir, int depth)
{
	bool plain = true, lookups = false;
	int level = 0, off = 0; /* #if nesting; the level of an #if 0 it is in, or 0 */
	const char *name, *rest;
	size_t w;
	char file[4200];
	scan_text(t, &plain, &lookups);
	for (const char *p = t; plain && *p; p += strcspn(p, "\n"), p += *p == '\n') {
		if (!(w = directive(p, &name, &rest)))
			continue;
		if (is(name, w, "if") || is(name, w, "ifdef") || is(name, w, "ifndef")) {
			level++;
			if (!off && is(name, w, "if") && rest[0] == '0' &&
			    rest[1 + strspn(rest + 1, " \t\f\v\r")] == '\n')
				off = level;
		} else if (is(name, w, "endif")) {
			if (off == level)
				off = 0;
			level--;
		} else if ((is(name, w, "else") || is(name, w, "elif") || is(name, w, "elifdef") ||
			    is(name, w, "elifndef")) &&
			   off == level) {
			off = 0; /* #if 0's other branch is read */
		} else if (!off && is_include(name, w)) {
			char close = *rest == '"' ? '"' : *rest == '<' ? '>' : 0;
			size_t len = close ? strcspn(rest + 1, close == '"' ? "\"\n" : ">\n") : 0;
			if (close && rest[1 + len] == close && len < sizeof file) {
				snprintf(file, sizeof file, "%.*s", (int)len, rest + 1);
				plain = include_plain(r, dir, file, close == '"', depth + 1);
			}
		}
	}
	return plain;
}

/* Whether the header at path reads plainly (text_plain), each read once;
 * one past READ_MAX, too deep, or that cannot be read is taken as plain
 * (group_clean still checks what cc1 read), and so is one that a file it
 * includes includes (a cycle), until it has been read. */
static bool file_plain(struct reading *r, const char *path, int depth)
{
	struct stat st;
	char *t, dir[4200];
	if (stat(path, &st))
		return true;
	for (int k = 0; k < r->nseen; k++)
		if (r->seen[k].dev == st.st_dev && r->seen[k].ino == st.st_ino)
			return r->seen[k].plain;
	if (r->nseen == READ_MAX || depth > 64 || !(t = read_as_cc1(path)))
		return true;
	int me = r->nseen++;
	r->seen[me].dev = st.st_dev;
	r->seen[me].ino = st.st_ino;
	r->seen[me].plain = true; /* while it is read: a cycle back to it */
	file_dir(path, dir, sizeof dir);
	r->seen[me].plain = text_plain(r, t, dir, depth);
	free(t);
	return r->seen[me].plain;
}

/* Where a source goes (enum place): whether its own text, the files cc1's
 * line includes into every source and the user's files they include read
 * plainly. */
static enum place place_of(struct reading *r, const char *path)
{
	char *t, dir[4200];
	if (path[0] == '-' || strchr(path, '\n') || !(t = read_as_cc1(path)))
		return TO_DRIVER;
	file_dir(path, dir, sizeof dir);
	bool plain = text_plain(r, t, dir, 0);
	free(t);
	for (int k = 0; plain && k < r->nforced; k++)
		plain = include_plain(r, "", r->forced[k], true, 1);
	return plain ? GROUPED : ALONE;
}

/* What r needs from cc1's line l. */
static void reading_init(struct reading *r, const struct cc1_line *l, const char *const *sys)
{
	r->sys = sys;
	for (int i = 2; i + 1 < l->argc; i++) {
		if (!strcmp(l->argv[i], "-I"))
			r->dirs[r->ndirs++] = l->argv[++i];
		else if (!strcmp(l->argv[i], "-iquote"))
			r->quote[r->nquote++] = l->argv[++i];
		else if (!strcmp(l->argv[i], "-include"))
			r->forced[r->nforced++] = l->argv[++i];
	}
}

/* Whether source i is the only one of directory dir among the n that cc1
 * takes. */
static bool only_of_dir(const char *const *src, const unsigned char *how, int n, int i,
			const char *dir)
{
	char other[4200];
	for (int j = 0; j < n; j++)
		if (j != i && how[j] != TO_DRIVER) {
			src_dir(src[j], other, sizeof other);
			if (!strcmp(other, dir))
				return false;
		}
	return true;
}

/* Source i, of directory dir, into group k of g (a new one at *ng). */
static void join(struct group *g, int k, int *ng, const char *work, const char *dir, int i,
		 bool deps)
{
	if (k == *ng) {
		snprintf(g[k].src_dir, sizeof g[k].src_dir, "%s", dir);
		snprintf(g[k].dir, sizeof g[k].dir, "%s/g%d", work, k);
		(*ng)++;
	}
	g[k].in[g[k].n++] = i;
	g[k].deps |= deps;
}

void cli_cc1_compile(const char *clang, const char *const *flags, int nflags,
		     const char *toolchain, int n, const char *const *src, char *const *bc,
		     char (*entry)[4200], int *status)
{
	struct cc1_line l = {0};
	struct group *g = NULL;
	const char *sys[CC1_MAX_ARGS / 2 + 1];
	char out_dir[4200], work[4300], dir[4200], mark[4400];
	int ng = 0, per, nsys = 0, fd, taken = 0;
	unsigned char *how = NULL; /* each source's enum place */
	struct reading *r = NULL;
	cpu_set_t set;
	long cpus = sched_getaffinity(0, sizeof set, &set) ? sysconf(_SC_NPROCESSORS_ONLN)
							    : CPU_COUNT(&set);

	for (int i = 0; i < n; i++)
		status[i] = -1;
	for (char **e = environ; *e; e++) /* the driver's CC_PRINT_HEADERS and such */
		if (!strncmp(*e, "CC_", 3))
			return;
	if (!n)
		return;
	snprintf(out_dir, sizeof out_dir, "%s", bc[0]);
	*strrchr(out_dir, '/') = 0;
	if (!cc1_load(toolchain, &l)) {
		cc1_ask(clang, flags, nflags, out_dir, toolchain);
		return;
	}
	for (int i = 2; i + 1 < l.argc; i++) /* the system's header directories */
		if (!strcmp(l.argv[i], "-internal-isystem") ||
		    !strcmp(l.argv[i], "-internal-externc-isystem"))
			sys[nsys++] = l.argv[++i];
	sys[nsys] = NULL;
	snprintf(work, sizeof work, "%s/cc1", out_dir); /* beside the NAME.bc files */
	snprintf(mark, sizeof mark, "%s/mark.h", work);
	if (mkdir(work, 0700) || strchr(mark, '\n') ||
	    (fd = open(mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 || close(fd) ||
	    !(g = calloc(GROUPS_MAX, sizeof *g)))
		goto out;
	if (cpus < 1)
		cpus = 1;
	if (!(how = malloc((size_t)n)))
		goto out;
	if (!(r = calloc(1, sizeof *r)))
		goto out;
	reading_init(r, &l, sys);
	for (int i = 0; i < n; i++) {
		how[i] = place_of(r, src[i]);
		taken += how[i] != TO_DRIVER;
	}
	/* sources a group, counting those put alone: the plain ones make no
	 * more groups than before (a source that is not plain and shares its
	 * directory goes to the driver once they take every CPU, where it may
	 * have had a group of its own before) */
	per = (taken + (int)cpus - 1) / (int)cpus;
	if (per > GROUP_MAX)
		per = GROUP_MAX;
	for (int i = 0; i < n; i++) { /* in order, into the first with room */
		int k;
		if (how[i] != GROUPED)
			continue;
		src_dir(src[i], dir, sizeof dir);
		for (k = 0; k < ng; k++)
			if (g[k].n < per && !strcmp(g[k].src_dir, dir))
				break;
		if (k < GROUPS_MAX)
			join(g, k, &ng, work, dir, i, entry[i][0] != 0);
	}
	for (int i = 0; i < n && ng < GROUPS_MAX; i++) {
		if (how[i] != ALONE)
			continue;
		src_dir(src[i], dir, sizeof dir);
		if (ng < cpus || only_of_dir(src, how, n, i, dir))
			join(g, ng, &ng, work, dir, i, entry[i][0] != 0);
	}
	for (int k = 0; k < ng; k++)
		if (!group_start(&g[k], &l, src, mark))
			g[k].pid = 0;
	for (int k = 0; k < ng; k++)
		if (g[k].pid > 0)
			group_end(&g[k], src, bc, entry, status, mark, sys);
out:
	for (int k = 0; g && k < ng; k++) {
		free(g[k].heads);
		free(g[k].rule);
	}
	free(how);
	free(r);
	free(g);
	free(l.text);
}
