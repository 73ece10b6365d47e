/*
 * The front end's cache: the bitcode clang made of a C file, used again
 * while nothing it was made from has changed. clang's start alone (its
 * shared libraries) is most of the 60 ms its front end takes on a small
 * file, and it comes before the program's first instruction on every run.
 *
 * An entry is one file, DIR/NAME, named by a hash of what decides the
 * compile besides file contents: clang's binary (its real path, size,
 * modification time, inode, and its directory's time), its flags, the
 * environment the driver reads (CPATH, C_INCLUDE_PATH, SOURCE_DATE_EPOCH...)
 * and GCC's directories' times (hash_toolchain), the source's path as
 * given (__FILE__) and made absolute. It holds
 *   "bareflow-frontend 2 NLINES BCLEN BCHASH\n"
 *   NLINES lines, each
 *     "F SIZE HASH PATH\n": the source or a header clang read (its -MD
 *       list, by real path), with its contents' hash, or
 *     "D SEC NSEC PATH\n" ("D - - PATH" if absent): a directory a header
 *       could appear in (one a header came from, and the system's include
 *       directories) with its modification time, which a new file, a
 *       deleted or a renamed one changes: __has_include and a header that
 *       would now shadow another are seen that way
 *   the bitcode, BCLEN bytes
 * and is written to a temporary file, then renamed into place. A lookup
 * checks every line again: any difference is a miss; so is an entry that
 * does not parse or whose bitcode does not match its hash. Not kept: a
 * compile during which one of its files or directories changed (its time
 * is not older than the compile's start), one that printed diagnostics
 * (a hit would not repeat them), and sources or headers that name
 * __DATE__, __TIME__ or __TIMESTAMP__. Not seen: a header created in a
 * directory none of its headers came from, where the compile looked for one
 * (only below a directory that is checked: a run with -I or -include does
 * not use the cache, jit.c's frontend_dir). At most
 * FE_MAX_ENTRIES entries: storing one more removes the least recently used
 * (a hit touches its entry). Directories are the user's alone (0700), as
 * the code cache's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define FE_MAGIC "bareflow-frontend 2"
#define FE_MAX_ENTRIES 512
#define FE_MAX_DEPS 4096

/* A 128-bit hash of bytes, in two independent 64-bit lanes (not
 * cryptographic: it tells changed files apart, it does not resist
 * forgery). */
struct fe_hash {
	uint64_t a, b;
};

static void fe_hash_init(struct fe_hash *h)
{
	h->a = 0x9e3779b97f4a7c15ULL;
	h->b = 0xc2b2ae3d27d4eb4fULL;
}

static void fe_hash_bytes(struct fe_hash *h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h->a = (h->a ^ s[i]) * 0x100000001b3ULL;
		h->b = (h->b + s[i] + 1) * 0xff51afd7ed558ccdULL;
		h->b ^= h->b >> 31;
	}
}

/* A string with its terminating NUL, so that "ab","c" and "a","bc" differ. */
static void fe_hash_str(struct fe_hash *h, const char *s)
{
	fe_hash_bytes(h, s ? s : "", strlen(s ? s : "") + 1);
}

static void fe_hash_hex(const struct fe_hash *h, char out[33])
{
	snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, h->a, h->b);
}

/* The whole file at path, malloc'd, in *data and *size; NULL-terminated
 * for the parsers. Returns 0, or -1 with errno set. */
int cli_read_whole(const char *path, char **data, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		free(buf);
		errno = buf ? EIO : ENOMEM;
		return -1;
	}
	buf[got] = 0;
	*data = buf, *size = got;
	return 0;
}

static bool mentions_clock(const char *data, size_t size)
{
	return memmem(data, size, "__DATE__", 8) || memmem(data, size, "__TIME__", 8) ||
	       memmem(data, size, "__TIMESTAMP__", 13);
}

/* The clang binary that PATH finds, as the key sees it: its path, size,
 * modification time and inode (and in bin, its real directory). False if
 * none is found. */
static bool hash_clang(struct fe_hash *h, const char *clang, char *bin, size_t size)
{
	const char *path = getenv("PATH");
	char buf[4096];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		struct stat st;
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? p : ".", clang);
		char *real = realpath(buf, NULL);
		if (real && !stat(real, &st) && S_ISREG(st.st_mode) && !access(real, X_OK)) {
			char id[128];
			snprintf(id, sizeof id, "%lld %lld.%09ld %llu", (long long)st.st_size,
				 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
				 (unsigned long long)st.st_ino);
			fe_hash_str(h, real);
			fe_hash_str(h, id);
			snprintf(bin, size, "%s", real);
			*strrchr(bin, '/') = 0;
			free(real);
			return true;
		}
		free(real);
		p += n + !!p[n];
	}
	return false;
}

/* The environment the driver reads into a compile's command line: include
 * directories, __DATE__'s time, options it adds, where it looks for GCC's
 * files. */
static const char *const driver_env[] = {
    "CPATH", "C_INCLUDE_PATH", "SOURCE_DATE_EPOCH", "CCC_OVERRIDE_OPTIONS", "COMPILER_PATH",
    "GCC_EXEC_PREFIX",
};

/* Directories whose contents the driver's command line depends on: the
 * GCC installations it takes include directories from. */
static const char *const driver_dirs[] = {"/usr/lib/gcc", "/usr/lib/gcc/x86_64-linux-gnu"};

/* Note the modification time of dir (or that there is none). */
static void hash_dir_time(struct fe_hash *h, const char *dir)
{
	struct stat st;
	char t[64] = "-";
	if (!stat(dir, &st))
		snprintf(t, sizeof t, "%lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	fe_hash_str(h, dir);
	fe_hash_str(h, t);
}

/* What decides a compile besides the source: clang's binary (and its
 * directory, where a configuration file would be), the flags, the
 * driver's environment and GCC's directories. False if clang is not on
 * PATH. */
static bool hash_toolchain(struct fe_hash *h, const char *clang, const char *const *flags,
			   int nflags)
{
	char bin[4200];
	fe_hash_init(h);
	fe_hash_str(h, FE_MAGIC);
	if (!hash_clang(h, clang, bin, sizeof bin))
		return false;
	hash_dir_time(h, bin);
	for (int i = 0; i < nflags; i++)
		fe_hash_str(h, flags[i]);
	for (size_t i = 0; i < sizeof driver_env / sizeof driver_env[0]; i++) {
		fe_hash_str(h, driver_env[i]);
		fe_hash_str(h, getenv(driver_env[i]));
	}
	for (size_t i = 0; i < sizeof driver_dirs / sizeof driver_dirs[0]; i++)
		hash_dir_time(h, driver_dirs[i]);
	return true;
}

int cli_frontend_toolchain(const char *clang, const char *const *flags, int nflags, char hex[33])
{
	struct fe_hash h;
	if (!hash_toolchain(&h, clang, flags, nflags))
		return -1;
	fe_hash_hex(&h, hex);
	return 0;
}

int cli_frontend_key(const char *dir, const char *toolchain, const char *src, char *entry,
		     size_t size)
{
	struct fe_hash h;
	char hex[33], *abs = cli_abspath(src);

	if (!dir || !abs) {
		free(abs);
		return -1;
	}
	fe_hash_init(&h);
	fe_hash_str(&h, toolchain);
	fe_hash_str(&h, src);
	fe_hash_str(&h, abs);
	free(abs);
	fe_hash_hex(&h, hex);
	if ((size_t)snprintf(entry, size, "%s/%s", dir, hex) >= size)
		return -1;
	return 0;
}

/* Whether the file at path still has this size and hash. */
static bool dep_unchanged(const char *path, unsigned long long size, const char *hash)
{
	char *data, hex[33];
	size_t n;
	struct fe_hash h;

	if (cli_read_whole(path, &data, &n))
		return false;
	fe_hash_init(&h);
	fe_hash_bytes(&h, data, n);
	free(data);
	fe_hash_hex(&h, hex);
	return n == size && !strcmp(hex, hash);
}

/* Write a then b to a new file at path (mode 0600, replacing one there
 * through a temporary file and a rename). 0, or -1 with errno set. */
static int write_file(const char *path, const void *a, size_t na, const void *b, size_t nb)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	bool ok = true;
	const void *part[2] = {a, b};
	size_t len[2] = {na, nb};
	for (int k = 0; k < 2 && ok; k++)
		for (size_t done = 0; done < len[k];) {
			ssize_t n = write(fd, (const char *)part[k] + done, len[k] - done);
			if (n <= 0) {
				ok = false;
				break;
			}
			done += (size_t)n;
		}
	if (close(fd) || !ok || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		errno = e ? e : EIO;
		return -1;
	}
	return 0;
}

/* Whether the directory at path still has this modification time (sec
 * "-" for one that was absent). */
static bool dir_unchanged(const char *path, const char *sec, long nsec)
{
	struct stat st;
	if (stat(path, &st))
		return !strcmp(sec, "-");
	return strcmp(sec, "-") && st.st_mtim.tv_sec == atoll(sec) && st.st_mtim.tv_nsec == nsec;
}

int cli_frontend_lookup(const char *entry, const char *out)
{
	char *data, *p, hex[33];
	size_t size;
	unsigned nlines;
	unsigned long long bclen;
	char bchash[33];
	int used;

	if (cli_read_whole(entry, &data, &size))
		return 0;
	if (sscanf(data, FE_MAGIC " %u %llu %32s%n", &nlines, &bclen, bchash, &used) != 3 ||
	    data[used] != '\n' || nlines > 2 * FE_MAX_DEPS)
		goto miss;
	p = data + used + 1;
	for (unsigned i = 0; i < nlines; i++) {
		unsigned long long fsize;
		char field[33], nsec[24];
		char *end = strchr(p, '\n');
		if (!end)
			goto miss;
		*end = 0; /* sscanf reads no further */
		if (sscanf(p, "F %llu %32s %n", &fsize, field, &used) == 2) {
			if (!dep_unchanged(p + used, fsize, field))
				goto miss;
		} else if (sscanf(p, "D %20s %20s %n", field, nsec, &used) == 2) {
			if (!dir_unchanged(p + used, field, atol(nsec)))
				goto miss;
		} else {
			goto miss;
		}
		p = end + 1;
	}
	if ((size_t)(data + size - p) != bclen)
		goto miss;
	struct fe_hash h;
	fe_hash_init(&h);
	fe_hash_bytes(&h, p, bclen);
	fe_hash_hex(&h, hex);
	if (strcmp(hex, bchash) || write_file(out, p, bclen, NULL, 0))
		goto miss;
	free(data);
	utimensat(AT_FDCWD, entry, NULL, 0); /* recently used */
	return 1;
miss:
	free(data);
	return 0;
}

/* Remove the least recently used entries of dir until fewer than max
 * remain. */
static void trim(const char *dir, unsigned max)
{
	for (;;) {
		DIR *d = opendir(dir);
		struct dirent *e;
		char path[4200], oldest[4200] = "";
		struct timespec when = {0, 0};
		unsigned n = 0;
		while (d && (e = readdir(d))) {
			struct stat st;
			if (strlen(e->d_name) != 32)
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			if (stat(path, &st))
				continue;
			n++;
			if (!*oldest || st.st_mtim.tv_sec < when.tv_sec ||
			    (st.st_mtim.tv_sec == when.tv_sec && st.st_mtim.tv_nsec < when.tv_nsec))
				snprintf(oldest, sizeof oldest, "%s", path), when = st.st_mtim;
		}
		if (d)
			closedir(d);
		if (n < max || !*oldest || unlink(oldest))
			return;
	}
}

bool cli_each_dep(char *rule, bool (*fn)(const char *path, void *arg), void *arg)
{
	if (strncmp(rule, "x:", 2))
		return false;
	char *p = rule + 2, name[4096];
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || (*p == '\\' && p[1] == '\n'))
			p += *p == '\\' ? 2 : 1;
		if (!*p)
			return true;
		size_t n = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\\' && (p[1] == ' ' || p[1] == '#'))
				p++;
			else if (*p == '$' && p[1] == '$')
				p++;
			else if (*p == '\\' && p[1] == '\n')
				break;
			if (n + 1 >= sizeof name)
				return false;
			name[n++] = *p++;
		}
		name[n] = 0;
		if (!fn(name, arg))
			return false;
	}
}

/* What store() gathers: the manifest's lines, the directories they name,
 * and whether the entry may be kept. */
struct manifest {
	char *text;
	size_t len, cap;
	unsigned n;
	char **dirs;
	unsigned ndirs;
	struct timespec start; /* the compile's, on the filesystem's clock */
	bool keep;
};

static bool before(struct timespec t, struct timespec start)
{
	return t.tv_sec < start.tv_sec || (t.tv_sec == start.tv_sec && t.tv_nsec < start.tv_nsec);
}

/* Append a line (at most 64 bytes besides path) to m. */
static void add_line(struct manifest *m, const char *fmt, const char *a, const char *b,
		     const char *path)
{
	size_t need = strlen(path) + 128;
	if (m->len + need >= m->cap) {
		char *t = realloc(m->text, (m->cap + need) * 2);
		if (!t) {
			m->keep = false;
			return;
		}
		m->text = t, m->cap = (m->cap + need) * 2;
	}
	m->len += (size_t)snprintf(m->text + m->len, m->cap - m->len, fmt, a, b, path);
	m->n++;
}

/* Note directory dir (once) with its time. */
static void add_dir(struct manifest *m, const char *dir)
{
	struct stat st;
	char sec[24], nsec[24];
	for (unsigned i = 0; i < m->ndirs; i++)
		if (!strcmp(m->dirs[i], dir))
			return;
	char **more = realloc(m->dirs, (m->ndirs + 1) * sizeof *more);
	char *copy = strdup(dir);
	if (!more || !copy) {
		free(copy);
		if (more)
			m->dirs = more;
		m->keep = false;
		return;
	}
	m->dirs = more;
	m->dirs[m->ndirs++] = copy;
	if (stat(dir, &st)) {
		add_line(m, "D %s %s %s\n", "-", "-", dir);
		return;
	}
	if (!before(st.st_mtim, m->start) || !before(st.st_ctim, m->start))
		m->keep = false; /* changed while clang read it */
	snprintf(sec, sizeof sec, "%lld", (long long)st.st_mtim.tv_sec);
	snprintf(nsec, sizeof nsec, "%ld", st.st_mtim.tv_nsec);
	add_line(m, "D %s %s %s\n", sec, nsec, dir);
}

static bool add_dep(const char *path, void *arg)
{
	struct manifest *m = arg;
	char *data = NULL, *real = realpath(path, NULL), hex[33], size_text[24];
	size_t size;
	struct fe_hash h;
	struct stat st;

	if (!real || stat(real, &st) || cli_read_whole(real, &data, &size) ||
	    m->n >= 2 * FE_MAX_DEPS) {
		m->keep = false;
		goto out;
	}
	if (!before(st.st_mtim, m->start) || !before(st.st_ctim, m->start) ||
	    mentions_clock(data, size))
		m->keep = false;
	fe_hash_init(&h);
	fe_hash_bytes(&h, data, size);
	fe_hash_hex(&h, hex);
	snprintf(size_text, sizeof size_text, "%zu", size);
	add_line(m, "F %s %s %s\n", size_text, hex, real);
	*strrchr(real, '/') = 0; /* a real path is absolute */
	add_dir(m, *real ? real : "/");
out:
	free(data);
	free(real);
	return m->keep;
}

/* The directories clang searches for <...> headers besides its own (which
 * the headers it reads from there name): Debian's, as `clang -v` lists
 * them. */
static const char *const system_dirs[] = {
    "/usr/local/include",
    "/usr/include/x86_64-linux-gnu",
    "/usr/include",
};

int cli_frontend_start(const char *marker, struct timespec *start)
{
	struct stat st;
	int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int r = fstat(fd, &st);
	close(fd);
	unlink(marker);
	if (r)
		return -1;
	*start = st.st_mtim;
	return 0;
}

void cli_frontend_store(const char *entry, const char *bc, const char *depfile,
			const struct timespec *start)
{
	char *rule = NULL, *code = NULL, hex[33], head[128], dir[4096];
	size_t rule_size, code_size;
	struct manifest m = {.start = *start, .keep = true};
	struct fe_hash h;

	snprintf(dir, sizeof dir, "%s", entry);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = 0;
	if (cli_read_whole(depfile, &rule, &rule_size) || cli_read_whole(bc, &code, &code_size) ||
	    !cli_each_dep(rule, add_dep, &m) || !m.n)
		goto out;
	for (size_t k = 0; k < sizeof system_dirs / sizeof system_dirs[0]; k++)
		add_dir(&m, system_dirs[k]);
	if (!m.keep)
		goto out;
	fe_hash_init(&h);
	fe_hash_bytes(&h, code, code_size);
	fe_hash_hex(&h, hex);
	int n = snprintf(head, sizeof head, FE_MAGIC " %u %zu %s\n", m.n, code_size, hex);
	char *whole = malloc(m.len + (size_t)n);
	if (!whole)
		goto out;
	memcpy(whole, head, (size_t)n);
	memcpy(whole + n, m.text, m.len);
	trim(dir, FE_MAX_ENTRIES);
	/* A cache that cannot be written costs the next run its front end,
	 * nothing more: no complaint. */
	if (!cli_mkdirs(dir))
		write_file(entry, whole, m.len + (size_t)n, code, code_size);
	free(whole);
out:
	for (unsigned i = 0; i < m.ndirs; i++)
		free(m.dirs[i]);
	free(m.dirs);
	free(m.text);
	free(rule);
	free(code);
}

int cli_frontend_clear(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4200];
	int n = 0;

	while (d && (e = readdir(d))) {
		if (strlen(e->d_name) < 32 || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!unlink(path))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}
