/*
 * Users and groups (pwd.h, grp.h) for JIT-compiled programs, read from
 * /etc/passwd and /etc/group. glibc answers these through its name-service
 * modules, shared objects it loads at run time, which a static binary
 * cannot; and a unikernel's users are its files' anyway. Before, a program
 * naming one (SQLite's shell looks up the home directory, tree the owners
 * of files) failed to start (exit 127). A missing file has no entries; the
 * lines are read as glibc's files module reads them (but NIS's + and -
 * lines, skipped); a name lookup without a name fails with EINVAL.
 *
 * The _r functions fill the caller's buffer (ERANGE when it is too small);
 * the others one of this thread's, valid until its next call, as POSIX
 * allows. The *ent functions walk the file one entry a call, per thread.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

#define PASSWD_FIELDS 7
#define GROUP_FIELDS 4
#define PASSWD_MIN 4 /* through the group id */
#define GROUP_MIN 3  /* through the id */

/* Splits line (its newline gone) at ':' into n fields, as glibc's files
 * module does: the last takes the rest of the line, colons included, and
 * those missing at the end are empty; whether it has at least min. */
static bool split(char *line, char **field, int n, int min)
{
	int k = 0;
	field[k++] = line;
	for (char *p = line; *p && k < n; p++)
		if (*p == ':') {
			*p = 0;
			field[k++] = p + 1;
		}
	if (k < min)
		return false;
	for (; k < n; k++)
		field[k] = "";
	return true;
}

/* A user or group id: decimal, after any blanks, up to 2^32 - 1; errno as
 * it was. */
static bool parse_id(const char *s, unsigned *id)
{
	char *end;
	int saved = errno;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	bool ok = !*end && !errno && v <= UINT32_MAX;
	errno = saved;
	if (ok)
		*id = (unsigned)v;
	return ok;
}

/* The next entry's fields from f, which the line holds; false at the end
 * of the file. Comments, blank lines and NIS lines (+, -: BareFlow has no
 * NIS) are skipped, as are lines with fewer than min fields. */
static bool next_line(FILE *f, char **line, size_t *cap, char **field, int n, int min)
{
	ssize_t len;
	while ((len = getline(line, cap, f)) >= 0) {
		if (len && (*line)[len - 1] == '\n')
			(*line)[--len] = 0;
		char c = (*line)[0];
		if (c == 0 || c == '#' || c == '+' || c == '-')
			continue;
		if (split(*line, field, n, min))
			return true;
	}
	return false;
}

/* Room in a caller's buffer: strings and pointers taken from its start. */
struct room {
	char *p, *end;
};

/* The n bytes at s, and a 0 after them, in r; NULL if they do not fit. */
static char *keep_n(struct room *r, const char *s, size_t n)
{
	if ((size_t)(r->end - r->p) < n + 1)
		return NULL;
	char *at = memcpy(r->p, s, n);
	at[n] = 0;
	r->p += n + 1;
	return at;
}

static char *keep(struct room *r, const char *s)
{
	return keep_n(r, s, strlen(s));
}

/* Fills pw from fields into buf; ERANGE if it does not fit. */
static int fill_passwd(char **field, struct passwd *pw, char *buf, size_t size)
{
	struct room r = {buf, buf + size};
	unsigned uid, gid;
	if (!parse_id(field[2], &uid) || !parse_id(field[3], &gid))
		return -1; /* not an entry */
	pw->pw_uid = uid;
	pw->pw_gid = gid;
	if (!(pw->pw_name = keep(&r, field[0])) || !(pw->pw_passwd = keep(&r, field[1])) ||
	    !(pw->pw_gecos = keep(&r, field[4])) || !(pw->pw_dir = keep(&r, field[5])) ||
	    !(pw->pw_shell = keep(&r, field[6])))
		return ERANGE;
	return 0;
}

/* Fills gr from fields into buf: the member list first (aligned), then
 * the strings; ERANGE if it does not fit. */
static int fill_group(char **field, struct group *gr, char *buf, size_t size)
{
	unsigned gid;
	if (!parse_id(field[2], &gid))
		return -1;
	gr->gr_gid = gid;
	size_t members = 0;
	for (const char *p = field[3]; *p; p++)
		members += *p == ',';
	members += *field[3] != 0;
	uintptr_t start = ((uintptr_t)buf + sizeof(char *) - 1) & ~(uintptr_t)(sizeof(char *) - 1);
	size_t need = start - (uintptr_t)buf + (members + 1) * sizeof(char *);
	if (need > size)
		return ERANGE;
	char **mem = (char **)start;
	struct room r = {buf + need, buf + size};
	if (!(gr->gr_name = keep(&r, field[0])) || !(gr->gr_passwd = keep(&r, field[1])))
		return ERANGE;
	size_t m = 0;
	for (const char *p = field[3]; *p;) {
		p += strspn(p, " \t"); /* as glibc: a member's leading blanks go */
		size_t n = strcspn(p, ",");
		if (n && !(mem[m++] = keep_n(&r, p, n)))
			return ERANGE;
		p += n + (p[n] == ',');
	}
	mem[m] = NULL;
	gr->gr_mem = mem;
	return 0;
}

/* What an entry is looked up by: its name, or its id. */
struct key {
	const char *name;
	unsigned id;
	bool by_id;
};

/* Looks an entry up in the file at path: 0 with *found set (or left NULL
 * when there is none), or an error number. */
static int lookup(const char *path, int nfields, int min, const struct key *k, void *entry,
		  char *buf, size_t size, void **found,
		  int (*fill)(char **, void *, char *, size_t))
{
	char *field[PASSWD_FIELDS], *line = NULL;
	size_t cap = 0;
	int err = 0;
	*found = NULL;
	if (!k->by_id && !k->name)
		return EINVAL; /* glibc's crashes */
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : errno; /* no file: no entries */
	while (next_line(f, &line, &cap, field, nfields, min)) {
		unsigned id;
		if (k->by_id ? !parse_id(field[2], &id) || id != k->id : strcmp(field[0], k->name) != 0)
			continue;
		int r = fill(field, entry, buf, size);
		if (r < 0)
			continue; /* malformed: skipped */
		if (r == 0)
			*found = entry;
		err = r;
		break;
	}
	if (ferror(f) && !err && !*found)
		err = EIO;
	free(line);
	fclose(f);
	return err;
}

static int fill_passwd_any(char **field, void *e, char *buf, size_t size)
{
	return fill_passwd(field, e, buf, size);
}

static int fill_group_any(char **field, void *e, char *buf, size_t size)
{
	return fill_group(field, e, buf, size);
}

static int passwd_r(const struct key *k, struct passwd *pw, char *buf, size_t size,
		    struct passwd **result)
{
	return lookup("/etc/passwd", PASSWD_FIELDS, PASSWD_MIN, k, pw, buf, size, (void **)result,
		      fill_passwd_any);
}

static int group_r(const struct key *k, struct group *gr, char *buf, size_t size,
		   struct group **result)
{
	return lookup("/etc/group", GROUP_FIELDS, GROUP_MIN, k, gr, buf, size, (void **)result,
		      fill_group_any);
}

int rt_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
		  struct passwd **result)
{
	return passwd_r(&(struct key){name, 0, false}, pw, buf, size, result);
}

int rt_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	return passwd_r(&(struct key){NULL, uid, true}, pw, buf, size, result);
}

int rt_getgrnam_r(const char *name, struct group *gr, char *buf, size_t size,
		  struct group **result)
{
	return group_r(&(struct key){name, 0, false}, gr, buf, size, result);
}

int rt_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **result)
{
	return group_r(&(struct key){NULL, gid, true}, gr, buf, size, result);
}

/* This thread's entries and buffers for the functions without _r, one
 * of each for users and for groups (a group's lookup leaves the last
 * user's entry as it was); a buffer doubles until the entry fits. */
struct buffer {
	char *p;
	size_t size;
};
static __thread struct passwd my_pw;
static __thread struct group my_gr;
static __thread struct buffer pw_buf, gr_buf;

static bool grow(struct buffer *b)
{
	size_t n = b->size ? 2 * b->size : 1024;
	char *p = n > b->size ? realloc(b->p, n) : NULL;
	if (!p)
		return false;
	b->p = p, b->size = n;
	return true;
}

/* Looks k up until this thread's buffer is large enough: the entry, or
 * NULL with errno set on an error (left as it was when there is no such
 * entry). */
static void *retry(const struct key *k, bool group)
{
	struct buffer *b = group ? &gr_buf : &pw_buf;
	for (;;) {
		struct passwd *pw = NULL;
		struct group *gr = NULL;
		int err = !b->size ? ERANGE
			  : group  ? group_r(k, &my_gr, b->p, b->size, &gr)
				   : passwd_r(k, &my_pw, b->p, b->size, &pw);
		if (err == ERANGE && grow(b))
			continue;
		if (err)
			errno = err == ERANGE ? ENOMEM : err;
		return group ? (void *)gr : (void *)pw;
	}
}

/* Fills this thread's entry from fields, growing its buffer as needed: 0,
 * -1 for a line that is no entry, or ENOMEM. */
static int fill_mine(char **field, bool group)
{
	struct buffer *b = group ? &gr_buf : &pw_buf;
	for (;;) {
		int err = !b->size ? ERANGE
			  : group  ? fill_group(field, &my_gr, b->p, b->size)
				   : fill_passwd(field, &my_pw, b->p, b->size);
		if (err != ERANGE)
			return err;
		if (!grow(b))
			return ENOMEM;
	}
}

struct passwd *rt_getpwnam(const char *name)
{
	return retry(&(struct key){name, 0, false}, false);
}

struct passwd *rt_getpwuid(uid_t uid)
{
	return retry(&(struct key){NULL, uid, true}, false);
}

struct group *rt_getgrnam(const char *name)
{
	return retry(&(struct key){name, 0, false}, true);
}

struct group *rt_getgrgid(gid_t gid)
{
	return retry(&(struct key){NULL, gid, true}, true);
}

/* The walks: the file open, per thread. */
static __thread FILE *pw_walk, *gr_walk;
static __thread char *walk_line;
static __thread size_t walk_cap;

static void *walk(FILE **f, const char *path, bool group)
{
	char *field[PASSWD_FIELDS];
	int n = group ? GROUP_FIELDS : PASSWD_FIELDS, min = group ? GROUP_MIN : PASSWD_MIN;
	if (!*f && !(*f = fopen(path, "re")))
		return NULL;
	while (next_line(*f, &walk_line, &walk_cap, field, n, min)) {
		int err = fill_mine(field, group);
		if (err == 0)
			return group ? (void *)&my_gr : (void *)&my_pw;
		if (err > 0) {
			errno = err;
			return NULL;
		}
	}
	return NULL;
}

static void rewind_walk(FILE **f)
{
	if (*f)
		rewind(*f);
}

static void end_walk(FILE **f)
{
	if (*f)
		fclose(*f);
	*f = NULL;
}

struct passwd *rt_getpwent(void)
{
	return walk(&pw_walk, "/etc/passwd", false);
}

void rt_setpwent(void)
{
	rewind_walk(&pw_walk);
}

void rt_endpwent(void)
{
	end_walk(&pw_walk);
}

struct group *rt_getgrent(void)
{
	return walk(&gr_walk, "/etc/group", true);
}

void rt_setgrent(void)
{
	rewind_walk(&gr_walk);
}

void rt_endgrent(void)
{
	end_walk(&gr_walk);
}
