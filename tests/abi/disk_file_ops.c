/* File system calls in a fresh directory under $FATDIR (default /tmp): the
 * operations a FAT disk must give as Linux gives them on any filesystem.
 * tests/boot/disk_fat.sh runs it natively and on a FAT disk mounted in the
 * guest; abi_differential.sh runs it on /tmp both ways. Results are printed
 * as values and errno names; listings are sorted (order is the
 * filesystem's own). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

static char base[512];

static const char *at(const char *name)
{
	static char bufs[4][600];
	static int k;
	char *b = bufs[k++ % 4];
	snprintf(b, 600, "%s/%s", base, name);
	return b;
}

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, errno_name());
	else
		printf("%s: %ld\n", what, r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (without . and ..), sorted, on one line. */
static void list(const char *dir)
{
	char *names[256];
	int n = 0;
	DIR *d = opendir(at(dir));
	struct dirent *e;
	if (!d) {
		printf("ls %s: -1 %s\n", dir, errno_name());
		return;
	}
	while ((e = readdir(d)) && n < 256)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	printf("ls %s:", dir);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void stat_of(const char *name)
{
	struct stat st;
	if (stat(at(name), &st)) {
		printf("stat %s: -1 %s\n", name, errno_name());
		return;
	}
	printf("stat %s: %s size %lld blocks>=size %d\n", name, S_ISDIR(st.st_mode) ? "dir" : "file",
	       S_ISDIR(st.st_mode) ? 0 : (long long)st.st_size,
	       S_ISDIR(st.st_mode) || st.st_blocks * 512 >= st.st_size);
}

static void cat(const char *name)
{
	char buf[256];
	int fd = open(at(name), O_RDONLY);
	if (fd < 0) {
		printf("cat %s: -1 %s\n", name, errno_name());
		return;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	printf("cat %s: %zd \"%s\"\n", name, n, buf);
}

static void put(const char *name, const char *text, int flags)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | flags, 0644);
	if (fd < 0) {
		printf("put %s: -1 %s\n", name, errno_name());
		return;
	}
	show("write", write(fd, text, strlen(text)));
	close(fd);
}

int main(void)
{
	const char *root = getenv("FATDIR");
	snprintf(base, sizeof base, "%s/ops.%d", root ? root : "/tmp", root ? 0 : getpid());
	show("mkdir base", mkdir(base, 0755));

	/* create, O_EXCL, O_TRUNC, O_APPEND */
	put("a.txt", "hello", O_EXCL);
	put("a.txt", "again", O_EXCL);
	put("a.txt", " world", O_APPEND);
	cat("a.txt");
	put("a.txt", "new", O_TRUNC);
	cat("a.txt");
	show("creat", creat(at("c.txt"), 0644) >= 0 ? 0 : -1);

	/* lseek, pread, pwrite, holes */
	int fd = open(at("data.bin"), O_RDWR | O_CREAT, 0644);
	char buf[64];
	show("pwrite at 10000", pwrite(fd, "tail", 4, 10000));
	show("lseek end", lseek(fd, 0, SEEK_END));
	show("pread hole", pread(fd, buf, 8, 5000));
	printf("hole bytes zero: %d\n", !memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
	show("pread tail", pread(fd, buf, 10, 9998));
	show("lseek set", lseek(fd, 3, SEEK_SET));
	show("write", write(fd, "abc", 3));
	show("pread", pread(fd, buf, 6, 0));
	printf("bytes: %02x %02x %02x %02x %02x %02x\n", buf[0], buf[1], buf[2], buf[3], buf[4], buf[5]);
	show("ftruncate grow", ftruncate(fd, 20000));
	show("pread grown", pread(fd, buf, 4, 19996));
	printf("grown bytes zero: %d\n", !memcmp(buf, "\0\0\0\0", 4));
	show("ftruncate shrink", ftruncate(fd, 5));
	show("fsync", fsync(fd));
	show("fdatasync", fdatasync(fd));
	show("syncfs", syncfs(fd));
	struct stat st;
	show("fstat", fstat(fd, &st));
	printf("fstat size %lld\n", (long long)st.st_size);
	show("pwrite head", pwrite(fd, "HELLO", 5, 0));
	/* a private mapping shows the file's bytes */
	char *m = mmap(NULL, 5, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		printf("mmap: -1 %s\n", errno_name());
	} else {
		printf("mmap: %.5s\n", m);
		memcpy(m, "XXXXX", 5); /* a private copy: the file keeps its bytes */
		munmap(m, 5);
	}
	show("pread after mmap", pread(fd, buf, 5, 0));
	printf("bytes: %.5s\n", buf);
	close(fd);
	show("truncate path", truncate(at("data.bin"), 2));
	stat_of("data.bin");
	sync();

	/* directories */
	show("mkdir d1", mkdir(at("d1"), 0755));
	show("mkdir d1 again", mkdir(at("d1"), 0755));
	show("mkdir d1/d2", mkdir(at("d1/d2"), 0755));
	put("d1/d2/deep.txt", "deep", 0);
	show("rmdir d1 (not empty)", rmdir(at("d1")));
	show("rmdir file", rmdir(at("a.txt")));
	show("unlink dir", unlink(at("d1")));
	show("open missing", open(at("nope/x"), O_RDONLY));
	show("mkdir under file", mkdir(at("a.txt/x"), 0755));
	list("");
	list("d1/d2");

	/* rename: across directories, over a file, a directory moved, errors */
	show("rename across", rename(at("a.txt"), at("d1/moved.txt")));
	cat("d1/moved.txt");
	cat("a.txt");
	put("target.txt", "old target", 0);
	show("rename over file", rename(at("c.txt"), at("target.txt")));
	stat_of("target.txt");
	show("rename dir into itself", rename(at("d1"), at("d1/d2/inside")));
	show("rename dir over file", rename(at("d1"), at("target.txt")));
	show("mkdir empty", mkdir(at("empty"), 0755));
	show("rename dir over empty dir", rename(at("d1/d2"), at("empty")));
	list("");
	list("empty");
	show("rename missing", rename(at("nothing"), at("x")));

	/* long names, UTF-8 */
	put("Ünïcödé names – ☃ are fine.txt", "utf8", 0);
	put("a name that is rather longer than eight point three.tar.gz", "long", 0);
	cat("Ünïcödé names – ☃ are fine.txt");
	list("");

	/* utimensat */
	struct timespec ts[2] = {{981173106, 0}, {981173106, 0}}; /* 2001-02-03 04:05:06 */
	show("utimensat", utimensat(AT_FDCWD, at("target.txt"), ts, 0));
	show("stat", stat(at("target.txt"), &st));
	printf("mtime %lld\n", (long long)st.st_mtime);

	/* unlink while open: the data stays readable until closed */
	fd = open(at("d1/moved.txt"), O_RDONLY);
	show("unlink open file", unlink(at("d1/moved.txt")));
	show("read after unlink", read(fd, buf, 3));
	close(fd);
	cat("d1/moved.txt");

	/* clean up, as a program would */
	unlink(at("data.bin"));
	unlink(at("target.txt"));
	unlink(at("empty/deep.txt"));
	rmdir(at("empty"));
	rmdir(at("d1"));
	unlink(at("Ünïcödé names – ☃ are fine.txt"));
	unlink(at("a name that is rather longer than eight point three.tar.gz"));
	list("");
	show("rmdir base", rmdir(base));
	return 0;
}
