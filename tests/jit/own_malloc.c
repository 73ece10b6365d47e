/* A program with its own allocator, as glibc allows: malloc, free, calloc
 * and realloc over a static arena, each block behind a header that free
 * and realloc check. The C library's functions that return memory for
 * the program to free (strdup, strndup, asprintf, getline making its
 * first buffer with malloc and growing the program's, realpath and getcwd
 * given no buffer, tempnam, reallocarray, open_memstream's buffer,
 * scandir's entries and array) must allocate with it, as they do natively: a
 * block of the C library's own reaching this free is reported, and the
 * program exits 3. argv[1] is a text file (tests/jit/data.txt). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC 0x6f776e626c6f636bull /* "ownblock" */

struct header {
	uint64_t magic;
	size_t size;
};

static _Alignas(16) unsigned char arena[1 << 22];
static size_t top;
static long made, realloc_null;

void *malloc(size_t n)
{
	size_t need = sizeof(struct header) + ((n + 15) & ~(size_t)15);
	if (n > sizeof arena || top + need > sizeof arena)
		return NULL;
	struct header *h = (struct header *)(arena + top);
	top += need;
	h->magic = MAGIC;
	h->size = n;
	made++;
	return h + 1;
}

static struct header *mine(void *p)
{
	unsigned char *c = p;
	struct header *h = (struct header *)p - 1;
	if (c < arena + sizeof *h || c >= arena + sizeof arena || h->magic != MAGIC) {
		/* no stdio here: it may allocate */
		static const char msg[] = "a block that is not this allocator's\n";
		write(1, msg, sizeof msg - 1);
		_exit(3);
	}
	return h;
}

void free(void *p)
{
	if (!p)
		return;
	mine(p)->magic = 0;
}

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = malloc(n * size);
	return p ? memset(p, 0, n * size) : NULL;
}

void *realloc(void *p, size_t n)
{
	if (!p) {
		realloc_null++;
		return malloc(n);
	}
	struct header *h = mine(p);
	void *q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, h->size < n ? h->size : n);
	free(p);
	return q;
}

/* "." and ".."; a rejection leaves errno set, as a failed stat would */
static int dots(const struct dirent *e)
{
	int yes = e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]));
	if (!yes)
		errno = ENOENT;
	return yes;
}

static char *joined(const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

int main(int argc, char **argv)
{
	char *a = strdup("tier"), *b = strndup("zero-one-two", 4), *c;
	if (asprintf(&c, "%s-%s-%d", a, b, 2) < 0)
		return 1;
	char *d = joined("[%s]", c);
	printf("%s %s %s %s\n", a, b, c, d);
	free(a), free(b), free(c), free(d);

	FILE *f = argc > 1 ? fopen(argv[1], "r") : NULL;
	if (!f)
		return 1;
	char *line = NULL;
	size_t cap = 0, bytes = 0;
	long lines = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0)
		lines++, bytes += (size_t)n;
	free(line);
	rewind(f);
	char *small = malloc(2); /* the program's buffer, grown by getdelim */
	cap = 2;
	n = getdelim(&small, &cap, ' ', f);
	printf("lines %ld, bytes %zu, first word %zd bytes, realloc(NULL) %ld times\n", lines,
	       bytes, n, realloc_null);
	free(small);
	fclose(f);

	char here[4096], *cwd = getcwd(NULL, 0), *real = realpath(".", NULL);
	printf("getcwd and realpath agree: %d\n",
	       cwd && real && getcwd(here, sizeof here) && !strcmp(cwd, here) && !strcmp(real, here));
	free(cwd), free(real);
	int *v = reallocarray(NULL, 10, sizeof *v); /* the program's realloc */
	v = v ? reallocarray(v, 1000, sizeof *v) : NULL;
	printf("reallocarray %s\n", v ? "grew" : "failed");
	free(v);
	free(tempnam(NULL, "bf"));

	char *buf = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&buf, &size);
	for (int i = 0; m && i < 1000; i++) /* past its first buffer */
		fprintf(m, "%d,", i);
	if (!m || fflush(m))
		return 1;
	size_t flushed = size, ends = strlen(buf);
	fseek(m, 4, SEEK_SET);
	fflush(m);
	size_t seeked = size;
	fseek(m, 0, SEEK_END); /* glibc's end: where the stream was put back */
	long end = ftell(m);
	fseek(m, 4, SEEK_SET);
	fputs("X", m);
	fclose(m);
	printf("memstream: %zu bytes flushed (a NUL after them: %d), %zu after a seek, its end %ld, "
	       "%zu at the close, starting %.6s\n",
	       flushed, ends == flushed, seeked, end, size, buf);
	free(buf);
	struct dirent **names;
	int k = scandir(".", &names, dots, alphasort);
	printf("scandir: %d entries, %s %s\n", k, k > 0 ? names[0]->d_name : "",
	       k > 1 ? names[1]->d_name : "");
	while (k > 0)
		free(names[--k]);
	if (k == 0)
		free(names);
	/* (the C library's own blocks, its streams' say, are this allocator's
	 * natively and glibc's under the JIT: only these are counted) */
	printf("blocks made %s\n", made >= 8 ? "8 or more" : "too few");
	return 0;
}
