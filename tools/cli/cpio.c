/* The application's root filesystem as a cpio "newc" archive: host files
 * gathered under their guest paths, then streamed out in sorted order. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../kernel/include/contract.h"
#include "cli.h"

#define CPIO_FIELD_MAX 0xffffffffull /* a newc field has 8 hex digits */
#define MADE_UP_DIR (S_IFDIR | 0755)
#define ARGS_ENTRY CONTRACT_ARGS_ENTRY   /* not a file: what the kernel runs, and how */
#define STDIN_ENTRY CONTRACT_STDIN_ENTRY /* not a file in the tree: the program's stdin */
#define SHARED_ENTRY CONTRACT_SHARED_ENTRY /* a file whose bytes QEMU maps (cli_cpio_share) */
/* The sizes a shared file may have: QEMU's shared-memory device is a PCI
 * BAR, a power of two, and the kernel maps it in a 1 GiB window. */
#define SHARED_MIN (2ull << 20)
#define SHARED_MAX (512ull << 20)

struct cpio_entry {
	char *guest; /* absolute and lexically clean; the archive name drops the '/' */
	char *host;  /* regular files: where the data is read from when writing */
	char *data;  /* the data itself: a symlink's target, or a snapshot (see snapshot) */
	unsigned mode;
	long long mtime;
	unsigned long long size;
	bool dead;   /* under a path that became a non-directory: not written */
	bool shared; /* its bytes are the shared-memory device's (cli_cpio_share) */
};

struct cli_cpio {
	char *args; /* the "!bareflow-args" entry's data, or NULL */
	size_t args_len;
	bool has_stdin;		      /* write "!bareflow-stdin" from fd 0 */
	off_t stdin_off;	      /* ... starting here */
	unsigned long long stdin_len; /* ... this many bytes */
	struct cpio_entry *e;
	size_t n, cap;
	size_t *slot; /* open-addressing table of guest paths: index + 1 into e, 0 = free */
	size_t nslots;
};

struct cli_cpio *cli_cpio_new(void)
{
	return calloc(1, sizeof(struct cli_cpio));
}

static void clear_data(struct cpio_entry *e)
{
	free(e->host);
	free(e->data);
	e->host = e->data = NULL;
}

void cli_cpio_free(struct cli_cpio *a)
{
	if (!a)
		return;
	free(a->args);
	for (size_t i = 0; i < a->n; i++) {
		clear_data(&a->e[i]);
		free(a->e[i].guest);
	}
	free(a->e);
	free(a->slot);
	free(a);
}

static size_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return (size_t)h;
}

/* The table slot holding guest, or the free slot where it belongs. */
static size_t *find_slot(const struct cli_cpio *a, const char *guest)
{
	size_t i = hash(guest) & (a->nslots - 1);

	while (a->slot[i] && strcmp(a->e[a->slot[i] - 1].guest, guest))
		i = (i + 1) & (a->nslots - 1);
	return &a->slot[i];
}

/* Keep the table at most half full. Returns 0 or -1. */
static int grow_table(struct cli_cpio *a)
{
	if ((a->n + 1) * 2 <= a->nslots)
		return 0;
	size_t *old = a->slot, nold = a->nslots;
	a->nslots = nold ? nold * 2 : 64;
	a->slot = calloc(a->nslots, sizeof *a->slot);
	if (!a->slot) {
		a->slot = old;
		a->nslots = nold;
		return -1;
	}
	for (size_t i = 0; i < a->n; i++)
		*find_slot(a, a->e[i].guest) = i + 1;
	free(old);
	return 0;
}

/* The entry for guest, or NULL. */
static struct cpio_entry *find_entry(const struct cli_cpio *a, const char *guest)
{
	size_t *s = a->nslots ? find_slot(a, guest) : NULL;
	return s && *s ? &a->e[*s - 1] : NULL;
}

/* The entry for guest, created (dead, empty) if there is none. NULL: no memory. */
static struct cpio_entry *entry_at(struct cli_cpio *a, const char *guest)
{
	struct cpio_entry *e = find_entry(a, guest);
	if (e)
		return e;
	if (grow_table(a))
		return NULL;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct cpio_entry *e = realloc(a->e, cap * sizeof *e);
		if (!e)
			return NULL;
		a->e = e;
		a->cap = cap;
	}
	e = &a->e[a->n];
	*e = (struct cpio_entry){.guest = strdup(guest), .dead = true};
	if (!e->guest)
		return NULL;
	*find_slot(a, guest) = ++a->n;
	return e;
}

/* Everything below dir goes: dir is becoming a non-directory. */
static void drop_below(struct cli_cpio *a, const char *dir)
{
	size_t len = strlen(dir);

	for (size_t i = 0; i < a->n; i++) {
		struct cpio_entry *e = &a->e[i];
		if (!e->dead && !strncmp(e->guest, dir, len) && e->guest[len] == '/') {
			clear_data(e);
			e->dead = true;
		}
	}
}

/* Make guest a directory if it is not one already (the root always is). */
static int ensure_dir(struct cli_cpio *a, const char *guest)
{
	if (!strcmp(guest, "/"))
		return 0;
	struct cpio_entry *e = entry_at(a, guest);
	if (!e)
		return -1;
	if (!e->dead && S_ISDIR(e->mode))
		return 0;
	clear_data(e); /* a later entry needs it as a directory: that one wins */
	e->mode = MADE_UP_DIR;
	e->mtime = 0;
	e->size = 0;
	e->dead = false;
	return 0;
}

/* Every directory above guest, outermost first. */
static int ensure_parents(struct cli_cpio *a, const char *guest)
{
	char *path = strdup(guest);
	int r = path ? 0 : -1;

	for (char *s = path ? strchr(path + 1, '/') : NULL; s && !r; s = strchr(s + 1, '/')) {
		*s = 0;
		r = ensure_dir(a, path);
		*s = '/';
	}
	free(path);
	return r;
}

/* Put `want` (its host and data owned by the archive afterwards) at guest,
 * replacing what was there. Returns 0 or -1 (no memory). */
static int put(struct cli_cpio *a, const char *guest, struct cpio_entry want)
{
	struct cpio_entry *e;

	if (ensure_parents(a, guest) || !(e = entry_at(a, guest))) {
		free(want.host);
		free(want.data);
		return -1;
	}
	if (!e->dead && S_ISDIR(e->mode) && !S_ISDIR(want.mode))
		drop_below(a, guest);
	clear_data(e);
	want.guest = e->guest;
	want.dead = false;
	*e = want;
	return 0;
}

/*
 * The kernel refuses to unpack a path longer than PATH_MAX - 1 bytes or with
 * a name longer than NAME_MAX (kernel/include/fs.h), and could then only
 * stop: refuse it here. Returns 0, or 2 after printing why.
 */
static size_t longest_name(const char *path)
{
	size_t longest = 0;

	while (*path) {
		size_t n = strcspn(path, "/");
		longest = n > longest ? n : longest;
		path += n + (path[n] == '/');
	}
	return longest;
}

static int check_guest_path(const char *guest, const char *what, const char *host)
{
	size_t len = strlen(guest), name = longest_name(guest);

	if (len <= GUEST_PATH_MAX && name <= GUEST_NAME_MAX)
		return 0;
	if (len > GUEST_PATH_MAX)
		cli_error("%s%s: the guest path %.32s... is %zu bytes long; the guest's limit "
			  "is %d (PATH_MAX - 1)",
			  what, host, guest, len, GUEST_PATH_MAX);
	else
		cli_error("%s%s: the guest path %.32s... has a name of %zu bytes; the guest's "
			  "limit is %d (NAME_MAX)",
			  what, host, guest, name, GUEST_NAME_MAX);
	return CLI_EXIT_USAGE;
}

int cli_cpio_add_dir(struct cli_cpio *a, const char *guest)
{
	int r = check_guest_path(guest, "", "the current directory");

	if (r)
		return r;
	if (ensure_parents(a, guest) || ensure_dir(a, guest)) {
		cli_error("out of memory");
		return CLI_EXIT_FAILURE;
	}
	return 0;
}

/* "dir" + "/" + "name", with "/" + "name" for the root. */
static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *s = malloc(len + strlen(name) + 2);

	if (s)
		sprintf(s, "%s%s%s", dir, dir[len - 1] == '/' ? "" : "/", name);
	return s;
}

static int add_tree(struct cli_cpio *a, const char *host, const char *guest, const char *what,
		    bool follow);

/* A directory's own entry, then each of its entries. */
static int add_dir(struct cli_cpio *a, const char *host, const char *guest, const char *what,
		   const struct stat *st)
{
	struct dirent **names;
	int n = scandir(host, &names, NULL, NULL), r = 0;

	if (n < 0) {
		int err = errno;
		cli_error("%s%s: %s", what, host, strerror(err));
		return err == ENOENT ? 127 : 126;
	}
	if (strcmp(guest, "/") &&
	    put(a, guest, (struct cpio_entry){.mode = st->st_mode, .mtime = st->st_mtime})) {
		cli_error("out of memory");
		r = CLI_EXIT_FAILURE;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (!r && strcmp(name, ".") && strcmp(name, "..")) {
			char *h = join(host, name), *g = join(guest, name);
			r = h && g ? add_tree(a, h, g, what, false) : CLI_EXIT_FAILURE;
			if (!h || !g)
				cli_error("out of memory");
			free(h);
			free(g);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

/* Files that say they are empty but are not (/proc/self/status: procfs
 * makes the data as it is read) are read whole now, up to this much. */
#define SNAPSHOT_MAX (64ull << 20)

/*
 * Read the regular file host, whose size says 0, into want->data and
 * want->size. Returns 0, or after printing why 126 (unreadable) or 2 (more
 * than SNAPSHOT_MAX), or 125 (no memory).
 */
static int snapshot(const char *host, const char *what, struct cpio_entry *want)
{
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK), r = 0;
	size_t len = 0, cap = 1 << 12;
	char *buf = malloc(cap);

	if (fd < 0 || !buf) {
		cli_error("%s%s: %s", what, host, fd < 0 ? strerror(errno) : "out of memory");
		r = fd < 0 ? 126 : CLI_EXIT_FAILURE;
	}
	while (!r) {
		char *more = len < cap || cap >= SNAPSHOT_MAX ? NULL : realloc(buf, cap * 2);
		if (len == cap && !more) {
			cli_error("%s%s: %s", what, host,
				  cap >= SNAPSHOT_MAX ? "its size says 0 and it holds more than 64 "
							"MiB: copy it to a regular file first"
						      : "out of memory");
			r = cap >= SNAPSHOT_MAX ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
			break;
		}
		if (more)
			buf = more, cap *= 2;
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("%s%s: %s", what, host, strerror(errno));
			r = 126;
		}
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (r) {
		free(buf);
		return r;
	}
	want->data = buf;
	want->size = len;
	return 0;
}

/* The file, symlink or directory tree at host, put at guest. */
static int add_tree(struct cli_cpio *a, const char *host, const char *guest, const char *what,
		    bool follow)
{
	struct stat st;
	struct cpio_entry want = {0};
	int r = check_guest_path(guest, what, host);

	if (r)
		return r;
	if ((follow ? stat(host, &st) : lstat(host, &st)) != 0) {
		int err = errno;
		cli_error("%s%s: %s", what, host, strerror(err));
		return err == ENOENT ? 127 : 126;
	}
	if (S_ISDIR(st.st_mode))
		return add_dir(a, host, guest, what, &st);
	if (!strcmp(guest, "/")) {
		cli_error("%s%s: only a directory can be the guest's root /", what, host);
		return CLI_EXIT_USAGE;
	}
	want.mode = st.st_mode;
	want.mtime = st.st_mtime;
	if (S_ISREG(st.st_mode)) {
		if (access(host, R_OK) != 0) {
			cli_error("%s%s: %s", what, host, strerror(errno));
			return 126;
		}
		if ((unsigned long long)st.st_size > CPIO_FIELD_MAX) {
			cli_error("%s%s: larger than 4 GiB, the limit of the archive format", what,
				  host);
			return CLI_EXIT_USAGE;
		}
		if (!st.st_size && (r = snapshot(host, what, &want)))
			return r;
		if (st.st_size) {
			want.size = (unsigned long long)st.st_size;
			want.host = strdup(host);
		}
	} else if (S_ISLNK(st.st_mode)) {
		/* st_size is the target's length, except on a few pseudo filesystems */
		size_t room = (size_t)st.st_size + PATH_MAX + 1;
		want.data = calloc(1, room);
		ssize_t len = want.data ? readlink(host, want.data, room - 1) : 0;
		if (len < 0) {
			cli_error("%s%s: %s", what, host, strerror(errno));
			free(want.data);
			return 126;
		}
		want.size = (unsigned long long)len;
	} else {
		cli_error("%s%s: not a regular file, directory or symlink (sockets, devices and "
			  "FIFOs cannot be copied)",
			  what, host);
		return CLI_EXIT_USAGE;
	}
	if ((!want.host && !want.data) || put(a, guest, want)) {
		cli_error("out of memory");
		return CLI_EXIT_FAILURE;
	}
	return 0;
}

int cli_cpio_set_args(struct cli_cpio *a, const char *cwd, const char *exe, int argc,
		      const char *const argv[], int envc, const char *const envp[])
{
	size_t len = strlen(cwd) + strlen(exe) + 2 + 24;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		len += strlen(envp[i]) + 1;
	char *p = malloc(len);
	if (!p) {
		cli_error("out of memory");
		return CLI_EXIT_FAILURE;
	}
	free(a->args);
	a->args = p;
	p += sprintf(p, "%s", cwd) + 1;
	p += sprintf(p, "%s", exe) + 1;
	p += sprintf(p, "%d", argc) + 1;
	for (int i = 0; i < argc; i++)
		p += sprintf(p, "%s", argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		p += sprintf(p, "%s", envp[i]) + 1;
	a->args_len = (size_t)(p - a->args);
	return 0;
}

const char *cli_cpio_args(const struct cli_cpio *a, size_t *len)
{
	*len = a->args_len;
	return a->args;
}

bool cli_cpio_take_stdin(struct cli_cpio *a, unsigned long long max)
{
	struct stat st;
	off_t off = lseek(0, 0, SEEK_CUR);

	if (fstat(0, &st) || !S_ISREG(st.st_mode) || off < 0 || off > st.st_size ||
	    (unsigned long long)(st.st_size - off) > max)
		return false;
	a->has_stdin = true;
	a->stdin_off = off;
	a->stdin_len = (unsigned long long)(st.st_size - off);
	return true;
}

int cli_cpio_add(struct cli_cpio *a, const char *host, const char *guest, const char *what,
		 bool follow)
{
	return add_tree(a, host, guest, what, follow);
}

/* Buffered output to a file descriptor (-1: only count); the first error
 * sticks. */
struct out {
	int fd;
	int err; /* errno of the first failed write, or 0 */
	size_t used;
	unsigned long long total;
	char buf[1 << 16];
};

static void flush(struct out *o)
{
	for (size_t done = 0; done < o->used && !o->err;) {
		ssize_t n = write(o->fd, o->buf + done, o->used - done);
		if (n < 0 && errno != EINTR)
			o->err = errno;
		done += n > 0 ? (size_t)n : 0;
	}
	o->used = 0;
}

static void put_bytes(struct out *o, const void *p, size_t len)
{
	o->total += len;
	while (len && o->fd >= 0) {
		size_t room = sizeof o->buf - o->used, k = len < room ? len : room;
		memcpy(o->buf + o->used, p, k);
		o->used += k;
		p = (const char *)p + k;
		len -= k;
		if (o->used == sizeof o->buf)
			flush(o);
	}
}

/* Zeros up to the next multiple of 4 bytes in the archive. */
static void pad4(struct out *o)
{
	put_bytes(o, "\0\0\0", (size_t)(-o->total & 3));
}

/* The 110-byte header and the NUL-terminated, padded name. */
static void put_header(struct out *o, const char *name, unsigned long ino, unsigned mode,
		       unsigned long long mtime, unsigned long long size)
{
	char h[111];
	unsigned long nlink = S_ISDIR(mode) ? 2 : 1;

	/* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
	 * rdevmajor, rdevminor, namesize, check */
	snprintf(h, sizeof h, "070701%08lx%08x%08x%08x%08lx%08llx%08llx%08x%08x%08x%08x%08zx%08x",
		 ino, mode, 0, 0, nlink, mtime, size, 0, 0, 0, 0, strlen(name) + 1, 0);
	put_bytes(o, h, 110);
	put_bytes(o, name, strlen(name) + 1);
	pad4(o);
}

/* Exactly e->size bytes of the host file. Returns 0 or -1 after printing why. */
static int put_file_data(struct out *o, const struct cpio_entry *e)
{
	int fd = o->fd < 0 ? -1 : open(e->host, O_RDONLY | O_CLOEXEC);
	unsigned long long left = e->size;
	char buf[1 << 16];

	if (o->fd < 0) { /* counting */
		o->total += e->size;
		return 0;
	}
	if (fd < 0) {
		cli_error("%s: %s", e->host, strerror(errno));
		return -1;
	}
	while (left) {
		ssize_t n = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cli_error("%s: %s", e->host,
				  n ? strerror(errno) : "it shrank while being copied");
			close(fd);
			return -1;
		}
		put_bytes(o, buf, (size_t)n);
		left -= (unsigned long long)n;
	}
	close(fd);
	return 0;
}

static int by_guest_path(const void *x, const void *y)
{
	return strcmp((*(struct cpio_entry *const *)x)->guest,
		      (*(struct cpio_entry *const *)y)->guest);
}

/* Write the archive to fd, or with fd -1 only count its bytes into *total. */
static int emit(const struct cli_cpio *a, int fd, unsigned long long *total)
{
	struct cpio_entry **sorted = malloc((a->n ? a->n : 1) * sizeof *sorted);
	struct out *o = malloc(sizeof *o);
	size_t n = 0;
	int r = 0;

	if (!sorted || !o) {
		free(sorted);
		free(o);
		cli_error("out of memory");
		return -1;
	}
	for (size_t i = 0; i < a->n; i++)
		if (!a->e[i].dead)
			sorted[n++] = &a->e[i];
	/* Byte order of the paths: reproducible, and a directory comes before
	 * what it holds (a path sorts before every longer path it begins). */
	qsort(sorted, n, sizeof *sorted, by_guest_path);
	o->fd = fd;
	o->err = 0;
	o->used = 0;
	o->total = 0;
	if (a->args) {
		put_header(o, ARGS_ENTRY, 0, S_IFREG | 0400, 0, a->args_len);
		put_bytes(o, a->args, a->args_len);
		pad4(o);
	}
	if (a->has_stdin) {
		char buf[1 << 16];
		unsigned long long left = a->stdin_len;
		off_t at = a->stdin_off;
		put_header(o, STDIN_ENTRY, 0, S_IFREG | 0400, 0, a->stdin_len);
		if (fd < 0) { /* counting */
			o->total += left;
			left = 0;
		}
		while (left && !r) {
			ssize_t n =
			    pread(0, buf, left < sizeof buf ? (size_t)left : sizeof buf, at);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				cli_error("stdin: %s",
					  n ? strerror(errno) : "it shrank while being copied");
				r = -1;
				break;
			}
			put_bytes(o, buf, (size_t)n);
			left -= (unsigned long long)n;
			at += n;
		}
		pad4(o);
	}
	for (size_t i = 0; i < n && !r && !o->err; i++) {
		const struct cpio_entry *e = sorted[i];
		unsigned long long mtime = e->mtime < 0 ? 0 : (unsigned long long)e->mtime;
		if (e->shared) { /* the size and the path stand for the bytes */
			char size[24];
			int n = snprintf(size, sizeof size, "%llu", e->size) + 1;
			put_header(o, SHARED_ENTRY, (unsigned long)i + 1, e->mode,
				   mtime > CPIO_FIELD_MAX ? CPIO_FIELD_MAX : mtime,
				   (unsigned long long)n + strlen(e->guest) + 1);
			put_bytes(o, size, (size_t)n);
			put_bytes(o, e->guest, strlen(e->guest) + 1);
			pad4(o);
			continue;
		}
		put_header(o, e->guest + 1, (unsigned long)i + 1, e->mode,
			   mtime > CPIO_FIELD_MAX ? CPIO_FIELD_MAX : mtime, e->size);
		if (e->data)
			put_bytes(o, e->data, e->size);
		else if (e->host)
			r = put_file_data(o, e);
		pad4(o);
	}
	put_header(o, "TRAILER!!!", 0, 0, 0, 0);
	flush(o);
	if (!r && o->err) {
		cli_error("cannot write the archive: %s", strerror(o->err));
		r = -1;
	}
	if (total)
		*total = o->total;
	free(o);
	free(sorted);
	return r;
}

int cli_cpio_write(const struct cli_cpio *a, int fd)
{
	return emit(a, fd, NULL);
}

/* The regular file at guest whose bytes are read from its host file when
 * the archive is written (not a snapshot, not shared), or NULL. */
static struct cpio_entry *host_file(const struct cli_cpio *a, const char *guest)
{
	struct cpio_entry *e = find_entry(a, guest);
	return e && !e->dead && S_ISREG(e->mode) && e->host && !e->data && !e->shared ? e : NULL;
}

const char *cli_cpio_share(struct cli_cpio *a, const char *guest, unsigned long long *size)
{
	struct cpio_entry *e = host_file(a, guest);

	for (size_t i = 0; e && i < a->n; i++)
		if (a->e[i].shared)
			return NULL;
	if (!e || e->size < SHARED_MIN || e->size > SHARED_MAX || (e->size & (e->size - 1)))
		return NULL;
	e->shared = true;
	*size = e->size;
	return e->host;
}

unsigned long long cli_cpio_trim_hole(struct cli_cpio *a, const char *guest)
{
	struct cpio_entry *e = host_file(a, guest);
	int fd = e ? open(e->host, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return 0; /* none; or cli_cpio_write says why it cannot be read */
	off_t hole = 0, data; /* the end of the last stretch of data */
	while ((data = lseek(fd, hole, SEEK_DATA)) >= 0 && (hole = lseek(fd, data, SEEK_HOLE)) >= 0)
		;
	bool tail = data < 0 && errno == ENXIO && hole >= 0 && (unsigned long long)hole < e->size;
	close(fd);
	if (!tail)
		return 0;
	unsigned long long cut = e->size - (unsigned long long)hole;
	e->size = (unsigned long long)hole;
	return cut;
}

unsigned long long cli_cpio_size(const struct cli_cpio *a)
{
	unsigned long long total = 0;

	emit(a, -1, &total);
	return total;
}
