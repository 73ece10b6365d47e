/* Directories in a fresh directory under /tmp: mkdir and rmdir with their
 * errors, listings (sorted here, since order is the filesystem's own), raw
 * getdents64 with small buffers, stat of directories, *at calls relative to
 * a directory fd, renames of directories, and relative paths. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int touch(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	write(fd, path, strlen(path));
	return close(fd);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char type_letter(unsigned char t)
{
	return t == DT_DIR ? 'd' : t == DT_REG ? 'f' : t == DT_UNKNOWN ? '?' : 'o';
}

/* list: print a directory's entries sorted by name, with their types. */
static void list(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		printf("opendir %s: %s\n", path, strerrorname_np(errno));
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		names[n] = malloc(strlen(e->d_name) + 3);
		sprintf(names[n], "%s %c", e->d_name, type_letter(e->d_type));
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	printf("%s holds %d:", path, n);
	for (int i = 0; i < n; i++) {
		printf(" [%s]", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void make_and_remove(void)
{
	show("mkdir d", mkdir("d", 0755));
	show("mkdir d again", mkdir("d", 0755));
	show("mkdir in a missing parent", mkdir("nope/x", 0755));
	touch("file");
	show("mkdir under a file", mkdir("file/x", 0755));
	show("mkdir over a file", mkdir("file", 0755));
	show("mkdir d/e", mkdir("d/e", 0755));
	show("mkdir d/e/f", mkdir("d/e/f", 0755));
	show("mkdir with a trailing slash", mkdir("d/g/", 0755));
	show("mkdir an empty path", mkdir("", 0755));
	show("rmdir a non-empty directory", rmdir("d/e"));
	show("rmdir a missing directory", rmdir("d/missing"));
	show("rmdir a file", rmdir("file"));
	show("rmdir .", rmdir("d/e/f/."));
	show("rmdir d/g", rmdir("d/g"));
	show("rmdir d/g again", rmdir("d/g"));

	struct stat st;
	stat("d", &st);
	printf("stat d: directory %s, links %ld, mode %o\n", S_ISDIR(st.st_mode) ? "yes" : "no",
	       (long)st.st_nlink, st.st_mode & 07777);
	stat("d/e/f", &st);
	printf("stat d/e/f: links %ld\n", (long)st.st_nlink);
	show("stat through . and ..", stat("d/./e/../e/f", &st));
	show("stat through //", stat("d//e///f", &st));
	show("stat a file with a trailing slash", stat("file/", &st));
	show("stat a directory with a trailing slash", stat("d/e/", &st));
}

static void listings(void)
{
	touch("d/zeta");
	touch("d/alpha");
	touch("d/mid");
	list("d");
	list("d/e/f");
	show("opendir a file", opendir("file") ? 0 : -1);
	show("opendir a missing directory", opendir("missing") ? 0 : -1);

	/* Enough entries that listing them takes several getdents64 calls. */
	mkdir("many", 0755);
	char name[32];
	int made = 0;
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "many/entry-%03d-%s", (i * 37) % 300,
			 i % 2 ? "odd" : "even");
		made += touch(name) == 0;
	}
	printf("made %d files\n", made);
	DIR *d = opendir("many");
	int seen = 0, dots = 0;
	long sum = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.') {
			dots++;
			continue;
		}
		seen++;
		sum += atoi(e->d_name + 6);
	}
	if (d)
		closedir(d);
	printf("readdir: %d entries, %d dot entries, numbers sum to %ld\n", seen, dots, sum);

	/* Raw getdents64 with a buffer that holds only a few entries. */
	int fd = open("many", O_RDONLY | O_DIRECTORY);
	char buf[128];
	long n, calls = 0, entries = 0;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		calls++;
		for (long off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			entries++;
			off += de->d_reclen;
		}
	}
	printf(
	    "getdents64 with 128 bytes: %ld entries over more than 20 calls: %s, ends with %ld\n",
	    entries, calls > 20 ? "yes" : "no", n);
	lseek(fd, 0, SEEK_SET);
	show("getdents64 into 8 bytes", syscall(SYS_getdents64, fd, buf, 8));
	close(fd);
	fd = open("file", O_RDONLY);
	show("getdents64 on a file", syscall(SYS_getdents64, fd, buf, sizeof buf));
	close(fd);

	int removed = 0;
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "many/entry-%03d-%s", (i * 37) % 300,
			 i % 2 ? "odd" : "even");
		removed += unlink(name) == 0;
	}
	printf("removed %d\n", removed);
	list("many");
	show("rmdir many", rmdir("many"));
}

static void at_calls(void)
{
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	char buf[32];
	int fd = openat(dfd, "alpha", O_RDONLY);
	long n = read(fd, buf, sizeof buf);
	printf("openat(d, alpha) reads: %.*s\n", (int)(n > 0 ? n : 0), buf);
	close(fd);
	fd = openat(dfd, "../file", O_RDONLY);
	n = read(fd, buf, sizeof buf);
	printf("openat(d, ../file) reads: %.*s\n", (int)(n > 0 ? n : 0), buf);
	close(fd);
	show("openat with a missing name", openat(dfd, "missing", O_RDONLY));
	fd = open("file", O_RDONLY);
	show("openat relative to a file fd", openat(fd, "x", O_RDONLY));
	show("openat relative to a file fd, absolute path", openat(fd, "/dev/null", O_RDONLY) >= 0);
	close(fd);
	show("openat relative to a bad fd", openat(-1, "x", O_RDONLY));
	show("mkdirat(d, sub)", mkdirat(dfd, "sub", 0700));
	show("mkdirat(d, sub/inner)", mkdirat(dfd, "sub/inner", 0700));
	struct stat st;
	show("fstatat(d, sub)", fstatat(dfd, "sub", &st, 0));
	printf("sub: directory %s, mode %o, links %ld\n", S_ISDIR(st.st_mode) ? "yes" : "no",
	       st.st_mode & 07777, (long)st.st_nlink);
	show("fstatat(d, \"\", AT_EMPTY_PATH)", fstatat(dfd, "", &st, AT_EMPTY_PATH));
	printf("that is d: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
	show("unlinkat a non-empty directory", unlinkat(dfd, "sub", AT_REMOVEDIR));
	show("unlinkat sub/inner AT_REMOVEDIR", unlinkat(dfd, "sub/inner", AT_REMOVEDIR));
	show("unlinkat a directory without AT_REMOVEDIR", unlinkat(dfd, "sub", 0));
	show("unlinkat a file with AT_REMOVEDIR", unlinkat(dfd, "mid", AT_REMOVEDIR));
	show("unlinkat with unknown flags", unlinkat(dfd, "mid", 0x4000));
	show("unlinkat a file", unlinkat(dfd, "mid", 0));
	show("unlinkat sub AT_REMOVEDIR", unlinkat(dfd, "sub", AT_REMOVEDIR));
	show("fstatat(d, mid) afterwards", fstatat(dfd, "mid", &st, 0));
	list("d");
	close(dfd);
}

static void rename_dirs(void)
{
	mkdir("r", 0755);
	mkdir("r/a", 0755);
	touch("r/a/inside");
	mkdir("r/empty", 0755);
	mkdir("r/full", 0755);
	touch("r/full/x");
	touch("r/plain");
	show("rename a directory", rename("r/a", "r/b"));
	show("its file moved with it", access("r/b/inside", F_OK));
	show("rename over an empty directory", rename("r/b", "r/empty"));
	show("rename over a non-empty directory", rename("r/empty", "r/full"));
	show("rename a file over a directory", rename("r/plain", "r/full"));
	show("rename a directory over a file", rename("r/full", "r/plain"));
	show("rename a directory into itself", rename("r/full", "r/full/sub"));
	list("r");
	list("r/empty");

	/* Relative paths after chdir. */
	show("chdir r/empty", chdir("r/empty"));
	show("access ../plain", access("../plain", R_OK));
	show("access ../../file", access("../../file", F_OK));
	show("chdir ../..", chdir("../.."));
	show("access r/empty/inside", access("r/empty/inside", F_OK));
}

/* remove_tree: delete path and everything under it; 0 on success. */
static int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	char *children[512];
	int n = 0;
	while ((e = readdir(d)) && n < 512) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			children[n++] = strdup(e->d_name);
	}
	closedir(d);
	int err = 0;
	for (int i = 0; i < n; i++) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%s/%s", path, children[i]);
		err |= remove_tree(sub);
		free(children[i]);
	}
	return err | rmdir(path);
}

int main(void)
{
	char dir[] = "/tmp/bfXXXXXX", home[PATH_MAX];
	umask(022);
	if (!getcwd(home, sizeof home) || !mkdtemp(dir) || chdir(dir)) {
		printf("setting up: %s\n", strerrorname_np(errno));
		return 1;
	}
	make_and_remove();
	listings();
	at_calls();
	rename_dirs();
	show("chdir back", chdir(home));
	show("remove the whole tree", remove_tree(dir));
	show("access it afterwards", access(dir, F_OK));
	return 0;
}
