/*
 * A program with an allocator of its own. glibc lets a program replace
 * malloc, free, calloc and realloc, and its own functions that return
 * memory for the caller to free (strdup, say) then allocate with the
 * program's, as the program's free expects. Here the C library is the
 * runtime's, linked before the program existed, and keeps glibc's
 * allocator: a string from strdup reached the program's free, which
 * found no block of its own there (a tracking allocator that checks a
 * header before each block aborted). So where the program defines malloc,
 * the library functions that hand it memory to free, or grow a block it
 * allocated, are these (symbols.def's R entries), which allocate with the
 * program's malloc and realloc: strdup, strndup, wcsdup, asprintf,
 * vasprintf, getline, getdelim (and __getdelim, which glibc's inline
 * getline calls), realpath, canonicalize_file_name, getcwd,
 * get_current_dir_name, tempnam, reallocarray, open_memstream (its
 * buffer), scandir and scandirat (64 too: the same on x86-64). Elsewhere
 * each is glibc's. Not covered, their memory glibc's as before (a program
 * that frees it with an allocator of its own fails): open_wmemstream's
 * buffer (a wide stream cannot be made with fopencookie), sscanf's %ms
 * strings, backtrace_symbols' array, and the argz and envz vectors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "runtime.h"

static void *(*own_malloc)(size_t);
static void *(*own_realloc)(void *, size_t);
static void (*own_free)(void *);

void rt_own_allocator(void *malloc_fn, void *realloc_fn, void *free_fn)
{
	own_malloc = (void *(*)(size_t))malloc_fn;
	own_realloc = malloc_fn ? (void *(*)(void *, size_t))realloc_fn : NULL;
	own_free = malloc_fn ? (void (*)(void *))free_fn : NULL;
}

/* The program's block p grown to size bytes, of which it holds old: by its
 * realloc, or where it has none by its malloc, a copy and its free (glibc's
 * realloc on the program's block would fail). NULL, p kept, without. */
static void *own_grow(void *p, size_t old, size_t size)
{
	if (own_realloc)
		return own_realloc(p, size);
	void *q = own_malloc(size);
	if (q && p) {
		memcpy(q, p, old < size ? old : size);
		if (own_free)
			own_free(p);
	}
	return q;
}

/* A copy of the n bytes at s in the program's memory, or NULL (ENOMEM). */
static void *own_copy(const void *s, size_t n)
{
	void *p = own_malloc(n);
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	return memcpy(p, s, n);
}

char *rt_strdup(const char *s)
{
	return own_malloc ? own_copy(s, strlen(s) + 1) : strdup(s);
}

char *rt_strndup(const char *s, size_t n)
{
	if (!own_malloc)
		return strndup(s, n);
	size_t len = strnlen(s, n);
	char *p = own_malloc(len + 1);
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

wchar_t *rt_wcsdup(const wchar_t *s)
{
	return own_malloc ? own_copy(s, (wcslen(s) + 1) * sizeof *s) : wcsdup(s);
}

int rt_vasprintf(char **out, const char *fmt, va_list ap)
{
	if (!own_malloc)
		return vasprintf(out, fmt, ap);
	va_list again;
	va_copy(again, ap);
	int saved = errno; /* %m's, which the program's malloc may change */
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0) {
		va_end(again);
		return -1;
	}
	char *p = own_malloc((size_t)n + 1);
	if (!p) {
		va_end(again);
		errno = ENOMEM;
		return -1;
	}
	errno = saved;
	vsnprintf(p, (size_t)n + 1, fmt, again);
	va_end(again);
	*out = p;
	return n;
}

int rt_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = rt_vasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

/* glibc's getdelim with the program's allocator: where there is no
 * buffer (or it is of size 0), one of 120 bytes from its malloc, even where
 * nothing is read (a buffer of size 0 is left to the program, as glibc
 * leaves it), grown by its realloc (own_grow). */
ssize_t rt_getdelim(char **line, size_t *size, int delim, FILE *f)
{
	if (!own_malloc)
		return getdelim(line, size, delim, f);
	if (!line || !size || !f) {
		errno = EINVAL;
		return -1;
	}
	ssize_t len = 0;
	flockfile(f);
	if (ferror_unlocked(f)) { /* as glibc's: nothing more after an error */
		funlockfile(f);
		return -1;
	}
	if (!*line || !*size) {
		char *p = own_malloc(120);
		if (!p) {
			funlockfile(f);
			errno = ENOMEM;
			return -1;
		}
		*line = p, *size = 120;
	}
	for (;;) {
		int c = getc_unlocked(f);
		if (c == EOF)
			break;
		if ((size_t)len + 2 > *size) {
			size_t bigger = *size > SSIZE_MAX / 2 ? (size_t)SSIZE_MAX : 2 * *size;
			char *p = bigger > *size ? own_grow(*line, *size, bigger) : NULL;
			if (!p) {
				funlockfile(f);
				errno = bigger > *size ? ENOMEM : EOVERFLOW;
				return -1;
			}
			*line = p, *size = bigger;
		}
		(*line)[len++] = (char)c;
		if (c == delim)
			break;
	}
	(*line)[len] = 0;
	funlockfile(f);
	return len ? len : -1;
}

ssize_t rt_getline(char **line, size_t *size, FILE *f)
{
	return rt_getdelim(line, size, '\n', f);
}

/* name, which glibc allocated, moved to the program's memory (NULL stays
 * NULL; so does a copy without memory, ENOMEM). */
static char *own_string(char *name)
{
	if (!name)
		return NULL;
	char *mine = own_copy(name, strlen(name) + 1);
	free(name);
	return mine;
}

char *rt_realpath(const char *path, char *resolved)
{
	if (resolved || !own_malloc)
		return realpath(path, resolved);
	return own_string(realpath(path, NULL));
}

char *rt_canonicalize_file_name(const char *path)
{
	return rt_realpath(path, NULL);
}

char *rt_tempnam(const char *dir, const char *prefix)
{
	char *name = tempnam(dir, prefix);
	return own_malloc ? own_string(name) : name;
}

/* glibc's getcwd given no buffer: one of size bytes (ERANGE where the
 * name is longer), or as long as the name where size is 0. */
char *rt_getcwd(char *buf, size_t size)
{
	if (buf || !own_malloc)
		return getcwd(buf, size);
	char *here = getcwd(NULL, 0);
	if (!here)
		return NULL;
	size_t len = strlen(here) + 1;
	char *p = NULL;
	if (size && size < len)
		errno = ERANGE;
	else if (!(p = own_malloc(size ? size : len)))
		errno = ENOMEM;
	else
		memcpy(p, here, len);
	free(here);
	return p;
}

char *rt_get_current_dir_name(void)
{
	return own_malloc ? own_string(get_current_dir_name()) : get_current_dir_name();
}

void *rt_reallocarray(void *p, size_t n, size_t size)
{
	if (!own_realloc)
		return reallocarray(p, n, size);
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return own_realloc(p, n * size);
}

/* open_memstream's stream with the program's allocator, through
 * fopencookie: the buffer (zeroed, so that a NUL follows what is written,
 * and a seek past the end leaves zeros) grows by own_grow, and *bufp and
 * *sizep hold it and the stream's position after each flush, seek and the
 * close, which also ends the text there, as glibc's do. */
struct memstream {
	char **bufp;
	size_t *sizep;
	char *buf;
	size_t cap, len, pos; /* len: how far it was written */
};

/* Room for `end` bytes and a NUL after them; -1 (ENOMEM) without. */
static int memstream_reserve(struct memstream *m, size_t end)
{
	if (end < m->cap)
		return 0;
	size_t cap = m->cap;
	while (cap <= end) {
		if (cap > SIZE_MAX / 2) {
			errno = ENOMEM;
			return -1;
		}
		cap *= 2;
	}
	char *p = own_grow(m->buf, m->cap, cap);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	memset(p + m->cap, 0, cap - m->cap);
	m->buf = *m->bufp = p;
	m->cap = cap;
	return 0;
}

static ssize_t memstream_write(void *cookie, const char *data, size_t n)
{
	struct memstream *m = cookie;
	if (n > SIZE_MAX - m->pos - 1 || memstream_reserve(m, m->pos + n))
		return -1;
	memcpy(m->buf + m->pos, data, n);
	m->pos += n;
	if (m->pos > m->len)
		m->len = m->pos;
	*m->sizep = m->pos;
	return (ssize_t)n;
}

static int memstream_seek(void *cookie, off64_t *off, int whence)
{
	struct memstream *m = cookie;
	/* glibc's end is the size last published, the position after a seek
	 * back included */
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)m->pos : (int64_t)*m->sizep;
	if ((whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) || *off < -base ||
	    (*off > 0 && *off > INT64_MAX - base)) {
		errno = EINVAL;
		return -1;
	}
	size_t to = (size_t)(base + *off);
	if (memstream_reserve(m, to)) /* past the end: zeros */
		return -1;
	m->pos = to;
	*m->sizep = to;
	*off = (off64_t)to;
	return 0;
}

static int memstream_close(void *cookie)
{
	struct memstream *m = cookie;
	m->buf[m->pos] = 0; /* as glibc's: the text ends where the stream is */
	*m->bufp = m->buf;
	*m->sizep = m->pos;
	free(m);
	return 0;
}

FILE *rt_open_memstream(char **bufp, size_t *sizep)
{
	if (!own_malloc)
		return open_memstream(bufp, sizep);
	if (!bufp || !sizep) {
		errno = EINVAL;
		return NULL;
	}
	struct memstream *m = calloc(1, sizeof *m);
	char *buf = m ? own_malloc(128) : NULL;
	if (!buf) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	memset(buf, 0, 128);
	*m = (struct memstream){bufp, sizep, buf, 128, 0, 0};
	cookie_io_functions_t io = {NULL, memstream_write, memstream_seek, memstream_close};
	FILE *f = fopencookie(m, "w", io);
	if (!f) {
		if (own_free)
			own_free(buf);
		free(m);
		return NULL;
	}
	*bufp = buf, *sizep = 0;
	return f;
}

/* scandir and scandirat with the program's allocator: the entries (as
 * many bytes as each record's length, as glibc copies) and the array are
 * its, sorted by cmp; on a failure what was made goes back by its free. */
static int own_scan(DIR *d, struct dirent ***out, int (*sel)(const struct dirent *),
		    int (*cmp)(const struct dirent **, const struct dirent **))
{
	struct dirent **v = NULL, *e;
	size_t n = 0, cap = 0;
	int saved = errno;
	errno = 0;
	while ((e = readdir(d))) {
		int rejected = sel && !sel(e);
		errno = 0; /* what sel may have set, as glibc */
		if (rejected)
			continue;
		struct dirent *copy = NULL;
		if (n == cap) {
			size_t more = cap ? 2 * cap : 16;
			struct dirent **w = own_grow(v, cap * sizeof *v, more * sizeof *v);
			if (!w)
				goto failed;
			v = w, cap = more;
		}
		if (!(copy = own_malloc(e->d_reclen)))
			goto failed;
		v[n++] = memcpy(copy, e, e->d_reclen);
	}
	if (errno)
		goto failed;
	closedir(d);
	if (cmp && n > 1)
		qsort(v, n, sizeof *v, (int (*)(const void *, const void *))cmp);
	errno = saved;
	*out = v;
	return (int)n;
failed:;
	int err = errno ? errno : ENOMEM;
	while (n && own_free)
		own_free(v[--n]);
	if (own_free)
		own_free(v);
	closedir(d);
	errno = err;
	return -1;
}

int rt_scandir(const char *dir, struct dirent ***out, int (*sel)(const struct dirent *),
	       int (*cmp)(const struct dirent **, const struct dirent **))
{
	if (!own_malloc)
		return scandir(dir, out, sel, cmp);
	DIR *d = opendir(dir);
	return d ? own_scan(d, out, sel, cmp) : -1;
}

int rt_scandirat(int dirfd, const char *dir, struct dirent ***out,
		 int (*sel)(const struct dirent *),
		 int (*cmp)(const struct dirent **, const struct dirent **))
{
	if (!own_malloc)
		return scandirat(dirfd, dir, out, sel, cmp);
	int fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d && fd >= 0)
		close(fd);
	return d ? own_scan(d, out, sel, cmp) : -1;
}
