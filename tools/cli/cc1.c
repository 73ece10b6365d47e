/*
 * The C front end without clang's driver.
 *
 * Run as `clang-19 FLAGS -c -o OUT -- SRC`, every source costs a process,
 * and the start of one (mapping clang's shared libraries, relocating them,
 * their constructors) is 25 ms of the 35 that a small file takes. Given
 * several sources, the driver still starts a process for each. clang's
 * compiler proper, `clang -cc1`, given several inputs, compiles them one
 * after the other in one process. So the sources are split into a group
 * per CPU that we may run on, each compiled by one cc1: crc's four files on
 * two CPUs took 41 ms so, against 64 with a driver per file.
 *
 * cc1's command line is the one the driver would run, which `clang -###`
 * prints. Asking costs a driver's start, so the answer is kept in
 * build/frontend.cc1 for the clang binary, flags and environment it was
 * asked with (cli_frontend_toolchain); when they change, the next run asks
 * again, beside its own compiles, which go to the driver.
 *
 * cc1 writes each output beside its input, under the input's name, and
 * one command line serves all the inputs. So a group is a directory of the
 * run's temporary one, which holds a copy of each source under its name,
 * and what the compile sees is made the same as the driver's:
 *  - each copy begins with `#line 1 "SRC"`, SRC the path as given: the
 *    source's __FILE__, __BASE_FILE__ and __LINE__ are as they would be;
 *  - a quoted #include looks first in the directory of the file that
 *    includes, for a source the group's, which holds no header: -iquote
 *    names the source's directory as the driver would have ("." for a
 *    source given without one), and a header found there has the path it
 *    would have had (a group holds sources of one directory);
 *  - the dependencies the front end's cache keeps name the source, not the
 *    copy, and are the group's: a change to another of its sources makes
 *    a miss.
 * A group is left to the driver, which then says what it has to say, when
 * its cc1 cannot be started, ends other than by exiting 0, or prints
 * anything (a warning, or an error such as the copy could cause: a file
 * that includes itself by name); so is a source whose path a #line cannot
 * hold exactly or that names __TIMESTAMP__ (the copy's time).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define CC1_MAGIC "bareflow-cc1 1"
#define CC1_FILE "build/frontend.cc1"
#define CC1_MAX_ARGS 512
/* A group's directory as its cc1 sees it: through its descriptor 3, so that
 * the names cc1 writes into the bitcode (the module's source file) are the
 * same on every run, whatever the temporary directory is called. */
#define CC1_DIR "/proc/self/fd/3"

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
		if (!(line = strchr(p, '\n')) || l->argc >= CC1_MAX_ARGS - 1)
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
	while (*p == ' ')
		p++;
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
 * run's), one per line, after the magic line. False if there is no such
 * line or a word would name the probe's directory. */
static bool cc1_parse(const char *printed, FILE *to)
{
	const char *p = strstr(printed, "\" \"-cc1\" ");
	char w[4200], dir[4200];
	snprintf(dir, sizeof dir, "%s", probe.src);
	*strrchr(dir, '/') = 0;
	if (!p)
		return false;
	while (p > printed && p[-1] != '\n')
		p--;
	for (int k = 0; (p = quoted_word(p, w, sizeof w)); k++) {
		if (!strcmp(w, "-main-file-name") || !strcmp(w, "-o") || !strcmp(w, "-x")) {
			if (!(p = quoted_word(p, w, sizeof w)))
				return false;
			continue;
		}
		if (!strcmp(w, probe.src) || !strncmp(w, "-fdebug-compilation-dir=", 24) ||
		    !strncmp(w, "-fcoverage-compilation-dir=", 27))
			continue;
		if (strstr(w, dir) || k >= CC1_MAX_ARGS - 64)
			return false;
		fprintf(to, "%s\n", w);
	}
	return true;
}

void cli_cc1_finish(void)
{
	char *printed = NULL, path[4200], tmp[4300];
	size_t size;
	int wstatus;
	if (probe.pid <= 0)
		return;
	while (waitpid(probe.pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	probe.pid = 0;
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) ||
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
	fflush(NULL);
	probe.pid = fork();
	if (probe.pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(clang, (char *const *)argv);
		_exit(127);
	}
	close(fd);
}

/* The directory a quoted #include in src looks in first, as the driver
 * names it: "" for a source given without one (cc1 is then told "."). */
static void src_dir(const char *src, char *dir, size_t size)
{
	const char *slash = strrchr(src, '/');
	snprintf(dir, size, "%.*s", slash ? (int)(slash - src) : 0, src);
	if (slash == src) /* "/x.c" */
		snprintf(dir, size, "/");
}

static const char *base_name(const char *src)
{
	return strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
}

/* Whether source s may go to cc1: a #line directive holds its path as it
 * is, the driver's names of the directories in it are plain, and it does
 * not name __TIMESTAMP__ (which would be the copy's time). */
static bool for_cc1(const char *s)
{
	char *text;
	size_t len;
	if (strpbrk(s, "\"\\\n") || strstr(s, "//") || cli_read_whole(s, &text, &len))
		return false;
	bool ok = !strstr(text, "__TIMESTAMP__");
	free(text);
	return ok;
}

/* One cc1 and its sources, the indexes in[0..n). Besides the outputs it
 * writes DIR.err (its stderr), DIR.d (the make rule of all it read, each
 * path once, as first spelled) and DIR.h (the header list: each header a
 * source entered, a line each time, by the name the file had when cc1
 * first read it). */
struct group {
	char dir[4200];	    /* the group's directory */
	char src_dir[4200]; /* its sources' (src_dir) */
	int *in, n;
	bool deps; /* some source is to be kept in the cache */
	pid_t pid;
	struct timespec start; /* the compile's, for the cache */
	char *heads, *rule;    /* DIR.h and DIR.d, once read */
};

/* Copy source s, the group's i-th, to the group's directory: an #include
 * of an empty file that marks where its headers begin in the header list,
 * its #line, then its text. Names the copy as cc1 sees it in copy. False
 * if it cannot be. */
static bool copy_source(const struct group *g, int i, const char *s, char *copy, size_t size)
{
	char *text, mark[4300];
	size_t len;
	int fd;
	snprintf(mark, sizeof mark, "%s/%d.mark", g->dir, i);
	snprintf(copy, size, "%s/%s", g->dir, base_name(s));
	if ((fd = open(mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return false;
	if (close(fd) || cli_read_whole(s, &text, &len))
		return false;
	FILE *f = fopen(copy, "wxe");
	bool ok = f && fprintf(f, "#include \"" CC1_DIR "/%d.mark\"\n#line 1 \"%s\"\n", i, s) > 0 &&
		  fwrite(text, 1, len, f) == len;
	if (f && fclose(f))
		ok = false;
	free(text);
	snprintf(copy, size, CC1_DIR "/%s", base_name(s));
	return ok;
}

/* Make g's directory (the bitcode files' directory and "/gK") with a copy
 * of each source, and start its cc1 on them; false if it cannot be. */
static bool group_start(struct group *g, const struct cc1_line *l, const char *const *src, int k,
			const char *out_dir)
{
	const char *argv[CC1_MAX_ARGS + 16];
	char cwd[4096], debug_dir[4200], coverage_dir[4200], dep[4300], err[4300], heads[4300];
	int n = 0, fd;

	snprintf(g->dir, sizeof g->dir, "%s/g%d", out_dir, k);
	snprintf(dep, sizeof dep, "%s.d", g->dir);
	snprintf(heads, sizeof heads, "%s.h", g->dir);
	snprintf(err, sizeof err, "%s.err", g->dir);
	if (!getcwd(cwd, sizeof cwd) || mkdir(g->dir, 0700) ||
	    (g->deps && cli_frontend_start(dep, &g->start)))
		return false;
	char (*copies)[4300] = calloc((size_t)g->n, sizeof *copies);
	bool ok = copies != NULL;
	for (int i = 0; i < g->n && ok; i++)
		ok = copy_source(g, i, src[g->in[i]], copies[i], sizeof copies[i]);
	snprintf(debug_dir, sizeof debug_dir, "-fdebug-compilation-dir=%s", cwd);
	snprintf(coverage_dir, sizeof coverage_dir, "-fcoverage-compilation-dir=%s", cwd);
	for (int i = 0; i < l->argc; i++)
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
	argv[n++] = "-iquote";
	argv[n++] = g->src_dir[0] ? g->src_dir : ".";
	argv[n++] = "-x";
	argv[n++] = "c";
	int dir = ok ? open(g->dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dir >= 0 && (fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) >= 0) {
		/* the copies at the end: argv has room for CC1_MAX_ARGS of them */
		for (int i = 0; i < g->n && n < CC1_MAX_ARGS + 15; i++)
			argv[n++] = copies[i];
		argv[n] = NULL;
		fflush(NULL);
		g->pid = fork();
		if (g->pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			dup2(fd, 2);
			if (dir == 3 ? fcntl(3, F_SETFD, 0) : dup2(dir, 3))
				_exit(127);
			execv(argv[0], (char *const *)argv);
			_exit(127);
		}
		close(fd);
	}
	if (dir >= 0)
		close(dir);
	free(copies);
	return ok && g->pid > 0;
}

/* Whether the header list has a line for path. */
static bool listed(const char *heads, const char *path, size_t len)
{
	for (const char *p = heads; (p = strstr(p, path)); p += len)
		if ((p == heads || p[-1] == '\n') && p[len] == '\n')
			return true;
	return false;
}

/* For cli_each_dep over the group's rule: false for a path that the header
 * list does not have, besides the copies and marks. A header a source
 * reached under another name than the one cc1 first read it by is such a
 * path (the name is the file's, in one process, and a source's __FILE__
 * in that header would be the other's); so is what #embed reads. (A name
 * that differs only by a leading "./" cannot be told apart: the rule drops
 * it.) */
static bool listed_dep(const char *path, void *heads)
{
	if (!strncmp(path, CC1_DIR "/", sizeof CC1_DIR) || listed(heads, path, strlen(path)))
		return true;
	/* the rule drops a leading "./", which the list keeps */
	for (const char *p = heads; (p = strstr(p, path)); p++) {
		const char *line = p;
		while (line - 2 >= (const char *)heads && line[-1] == '/' && line[-2] == '.')
			line -= 2;
		if (line != p && (line == heads || line[-1] == '\n') && p[strlen(path)] == '\n')
			return true;
	}
	return false;
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

/* Whether the line [p, end) is among the lines [from, p) (a header entered
 * again, where nothing guards it). */
static bool seen_before(const char *from, const char *p, const char *end)
{
	size_t len = (size_t)(end - p);
	for (const char *q = from; q < p; q = strchr(q, '\n') + 1)
		if (!strncmp(q, p, len) && q[len] == '\n')
			return true;
	return false;
}

/* The dependency list of the group's i-th source, in make's form for
 * cli_frontend_store, in a new file (its path in out): the source as
 * given, and the headers the list has between its mark and the next
 * (each once). False if it cannot be made. */
static bool source_deps(const struct group *g, const char *const *src, int i, char *out,
			size_t size)
{
	char mark[4300];
	snprintf(mark, sizeof mark, CC1_DIR "/%d.mark\n", i);
	char *from = strstr(g->heads, mark), *to;
	if (!from || (from > g->heads && from[-1] != '\n'))
		return false;
	from += strlen(mark);
	snprintf(mark, sizeof mark, "\n" CC1_DIR "/%d.mark\n", i + 1);
	to = strstr(from - 1, mark);
	to = to ? to + 1 : from + strlen(from);
	snprintf(out, size, "%s.%d.d", g->dir, i);
	FILE *f = fopen(out, "we");
	if (!f)
		return false;
	fputs("x:", f);
	put_dep(f, src[g->in[i]], strlen(src[g->in[i]]));
	bool parsed = true;
	for (const char *p = from; p < to && parsed;) { /* "PATH\n" */
		const char *end = strchr(p, '\n');
		if ((parsed = end && end > p) && !seen_before(from, p, end))
			put_dep(f, p, (size_t)(end - p));
		p = end + 1;
	}
	fputc('\n', f);
	return !fclose(f) && parsed;
}

/* Whether g's cc1 did what the driver would have: exited 0 and said nothing,
 * and every file it read has a line of the header list (listed_dep). */
static bool group_clean(struct group *g, int wstatus)
{
	char path[4300];
	size_t size;
	struct stat st;
	snprintf(path, sizeof path, "%s.err", g->dir);
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) || stat(path, &st) || st.st_size)
		return false;
	snprintf(path, sizeof path, "%s.h", g->dir);
	if (cli_read_whole(path, &g->heads, &size))
		return false;
	snprintf(path, sizeof path, "%s.d", g->dir);
	return !cli_read_whole(path, &g->rule, &size) &&
	       cli_each_dep(g->rule, listed_dep, g->heads);
}

/* Wait for g's cc1 and settle its sources: rename the outputs into place
 * and keep them in the cache, or leave them to the driver. */
static void group_end(struct group *g, const char *const *src, char *const *bc,
		      char (*entry)[4200], int *status)
{
	int wstatus;
	char out[4300], dep[4300];
	while (waitpid(g->pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return;
	if (WIFSIGNALED(wstatus) &&
	    (WTERMSIG(wstatus) == SIGINT || WTERMSIG(wstatus) == SIGTERM ||
	     WTERMSIG(wstatus) == SIGHUP)) {
		for (int i = 0; i < g->n; i++)
			status[g->in[i]] = 128 + WTERMSIG(wstatus);
		return;
	}
	if (!group_clean(g, wstatus))
		return; /* the driver's, which will say what there is to say */
	for (int i = 0; i < g->n; i++) {
		const char *b = base_name(src[g->in[i]]);
		snprintf(out, sizeof out, "%s/%.*s.bc", g->dir, (int)strlen(b) - 2, b);
		if (rename(out, bc[g->in[i]]))
			return;
	}
	for (int i = 0; i < g->n; i++) {
		int k = g->in[i];
		status[k] = 0;
		if (g->deps && entry[k][0] && source_deps(g, src, i, dep, sizeof dep))
			cli_frontend_store(entry[k], bc[k], dep, &g->start);
	}
}

/* Whether source s may join group g: a source of its directory whose name
 * no other of its sources has. */
static bool fits(const struct group *g, const char *const *src, const char *s, const char *dir)
{
	if (strcmp(g->src_dir, dir))
		return false;
	for (int i = 0; i < g->n; i++)
		if (!strcmp(base_name(src[g->in[i]]), base_name(s)))
			return false;
	return true;
}

void cli_cc1_compile(const char *clang, const char *const *flags, int nflags, int n,
		     const char *const *src, char *const *bc, char (*entry)[4200], int *status)
{
	struct cc1_line l;
	char key[33], out_dir[4200], dir[4200];
	cpu_set_t set;
	long cpus = sched_getaffinity(0, sizeof set, &set) ? sysconf(_SC_NPROCESSORS_ONLN)
							    : CPU_COUNT(&set);

	for (int i = 0; i < n; i++)
		status[i] = -1;
	if (!n || cli_frontend_toolchain(clang, flags, nflags, key))
		return;
	snprintf(out_dir, sizeof out_dir, "%s", bc[0]);
	*strrchr(out_dir, '/') = 0;
	if (!cc1_load(key, &l)) {
		cc1_ask(clang, flags, nflags, out_dir, key);
		return;
	}
	struct group *g = calloc((size_t)n, sizeof *g);
	int ng = 0, per;
	if (!g)
		goto out;
	if (cpus < 1)
		cpus = 1;
	per = (int)((n + cpus - 1) / cpus); /* sources a group */
	for (int i = 0; i < n; i++) { /* in order, into the first with room */
		int k;
		if (!for_cc1(src[i]))
			continue;
		src_dir(src[i], dir, sizeof dir);
		for (k = 0; k < ng; k++)
			if (g[k].n < per && fits(&g[k], src, src[i], dir))
				break;
		if (k == ng) {
			if (!(g[k].in = calloc((size_t)per, sizeof *g[k].in)))
				goto out;
			snprintf(g[k].src_dir, sizeof g[k].src_dir, "%s", dir);
			ng++;
		}
		g[k].in[g[k].n++] = i;
		g[k].deps |= entry[i][0] != 0;
	}
	for (int k = 0; k < ng; k++)
		if (!group_start(&g[k], &l, src, k, out_dir))
			g[k].pid = 0;
	for (int k = 0; k < ng; k++)
		if (g[k].pid > 0)
			group_end(&g[k], src, bc, entry, status);
out:
	for (int k = 0; g && k < ng; k++) {
		free(g[k].in);
		free(g[k].heads);
		free(g[k].rule);
	}
	free(g);
	free(l.text);
}
