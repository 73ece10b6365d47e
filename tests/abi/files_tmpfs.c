/* Files in a fresh directory under /tmp: create, read, write, seek (and holes),
 * pread/pwrite, ftruncate both ways, O_APPEND, creation errors, fstat, rename,
 * unlink while open, dup/dup2/fcntl, pipes, the /dev files, /proc/self/exe
 * and the working directory. Prints only facts that are the same on every
 * machine: never the directory's random name, fd numbers or inode numbers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* show: "what: result", or "what: -1 ENAME" for a failed call. */
static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* read_all: the file's bytes from offset 0, at most n-1, NUL-terminated. */
static long read_all(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long got = pread(fd, buf, n - 1, 0);
	close(fd);
	buf[got > 0 ? got : 0] = 0;
	return got;
}

static int all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void create_read_seek(void)
{
	char buf[256];
	int fd = open("a", O_CREAT | O_WRONLY | O_TRUNC, 0640);
	show("open a O_CREAT|O_WRONLY", fd < 0 ? -1 : 0);
	show("write 12 bytes", write(fd, "hello world\n", 12));
	show("read from a write-only fd", read(fd, buf, 4));
	struct stat st;
	fstat(fd, &st);
	printf("fstat: regular %s, size %ld, mode %o, links %ld\n", yes(S_ISREG(st.st_mode)),
	       (long)st.st_size, st.st_mode & 07777, (long)st.st_nlink);
	close(fd);

	fd = open("a", O_RDONLY);
	long n = read(fd, buf, sizeof buf);
	printf("read back %ld bytes: %.*s", n, (int)(n > 0 ? n : 0), buf);
	show("read at end of file", read(fd, buf, sizeof buf));
	show("write to a read-only fd", write(fd, "x", 1));
	show("lseek SEEK_SET 6", lseek(fd, 6, SEEK_SET));
	n = read(fd, buf, 5);
	printf("read 5: %.*s\n", (int)(n > 0 ? n : 0), buf);
	show("lseek SEEK_CUR -5", lseek(fd, -5, SEEK_CUR));
	show("lseek SEEK_END 0", lseek(fd, 0, SEEK_END));
	show("lseek SEEK_END -1", lseek(fd, -1, SEEK_END));
	show("lseek to a negative offset", lseek(fd, -100, SEEK_CUR));
	show("lseek with whence 99", lseek(fd, 0, 99));
	show("lseek past the end", lseek(fd, 1000, SEEK_SET));
	show("read past the end", read(fd, buf, 10));
	close(fd);

	/* A write past the end leaves a hole that reads as zeros. */
	fd = open("a", O_RDWR);
	lseek(fd, 100, SEEK_SET);
	show("write after a hole", write(fd, "X", 1));
	show("size with the hole", file_size("a"));
	char hole[128];
	memset(hole, 0x55, sizeof hole);
	n = pread(fd, hole, sizeof hole, 0);
	printf("pread whole file: %ld, hole is zero: %s, last byte %c\n", n,
	       yes(all_zero(hole + 12, 88)), hole[100]);

	/* pread and pwrite leave the file offset alone. */
	off_t before = lseek(fd, 3, SEEK_SET);
	show("pwrite ABC at 2", pwrite(fd, "ABC", 3, 2));
	show("pread 5 at 0", pread(fd, buf, 5, 0));
	printf("pread got %.5s, offset unchanged: %s\n", buf,
	       yes(lseek(fd, 0, SEEK_CUR) == before));
	show("pread at the end", pread(fd, buf, 5, 101));
	show("pread at a negative offset", pread(fd, buf, 5, -1));

	/* ftruncate: growing adds zeros, shrinking drops data for good. */
	show("ftruncate to 200", ftruncate(fd, 200));
	n = pread(fd, hole, sizeof hole, 101);
	printf("size %ld, grown part zero: %s\n", file_size("a"),
	       yes(n == 99 && all_zero(hole, 99)));
	show("ftruncate to 5", ftruncate(fd, 5));
	show("ftruncate to 10", ftruncate(fd, 10));
	n = pread(fd, buf, sizeof buf, 0);
	printf("after shrink and grow: %ld bytes, %.5s then zeros: %s\n", n, buf,
	       yes(all_zero(buf + 5, 5)));
	show("ftruncate to -1", ftruncate(fd, -1));
	close(fd);
	fd = open("a", O_RDONLY);
	show("ftruncate on a read-only fd", ftruncate(fd, 0));
	close(fd);
	fd = open("a", O_WRONLY | O_TRUNC);
	show("size after O_TRUNC", file_size("a"));
	close(fd);
}

static void append_and_create_errors(void)
{
	char buf[64];
	int fd = open("log", O_CREAT | O_WRONLY | O_APPEND, 0600);
	write(fd, "one\n", 4);
	lseek(fd, 0, SEEK_SET);
	show("O_APPEND write after lseek 0", write(fd, "two\n", 4));
	show("offset after the append", lseek(fd, 0, SEEK_CUR));
	/* Linux quirk (pwrite(2), BUGS): with O_APPEND, pwrite appends too. */
	show("pwrite at 0 on O_APPEND", pwrite(fd, "six\n", 4, 0));
	close(fd);
	read_all("log", buf, sizeof buf);
	printf("log holds: %s", buf);

	show("O_CREAT|O_EXCL on an existing file", open("log", O_CREAT | O_EXCL | O_WRONLY, 0600));
	fd = open("log", O_CREAT | O_WRONLY, 0600);
	show("O_CREAT without O_EXCL on an existing file", fd < 0 ? -1 : 0);
	close(fd);
	show("open a missing file", open("missing", O_RDONLY));
	show("O_CREAT in a missing directory", open("nodir/f", O_CREAT | O_WRONLY, 0600));
	show("open a directory O_WRONLY", open(".", O_WRONLY));
	show("open a directory O_RDWR", open(".", O_RDWR));
	show("O_DIRECTORY on a file", open("log", O_RDONLY | O_DIRECTORY));
	show("a file as a path component", open("log/x", O_RDONLY));
	show("O_CREAT on a path ending in /", open("newfile/", O_CREAT | O_WRONLY, 0600));
	show("open an empty path", open("", O_RDONLY));
	char longname[300];
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	show("a 299-byte name", open(longname, O_CREAT | O_WRONLY, 0600));
	fd = open("ce", O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	show("O_CLOEXEC sets FD_CLOEXEC", fcntl(fd, F_GETFD));
	close(fd);
}

static void types_and_vectors(void)
{
	struct stat st, st2;
	stat(".", &st);
	printf("stat .: directory %s\n", yes(S_ISDIR(st.st_mode)));
	stat("/dev/null", &st);
	printf("stat /dev/null: character device %s\n", yes(S_ISCHR(st.st_mode)));
	stat("a", &st);
	int fd = open("a", O_RDONLY);
	fstat(fd, &st2);
	printf(
	    "stat and fstat agree: %s\n",
	    yes(st.st_ino == st2.st_ino && st.st_dev == st2.st_dev && st.st_size == st2.st_size));
	close(fd);
	show("stat a missing file", stat("missing", &st));

	fd = open("v", O_CREAT | O_RDWR | O_TRUNC, 0600);
	struct iovec out[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
	show("writev 3 vectors", writev(fd, out, 3));
	char x[3], y[10];
	struct iovec in[2] = {{x, 3}, {y, 10}};
	lseek(fd, 0, SEEK_SET);
	long n = readv(fd, in, 2);
	printf("readv: %ld bytes, %.3s|%.*s\n", n, x, (int)(n > 3 ? n - 3 : 0), y);
	close(fd);

	/* A larger file, written and read in 8 KiB pieces. */
	static char big[8192];
	unsigned long sum = 0, back = 0;
	fd = open("big", O_CREAT | O_RDWR | O_TRUNC, 0600);
	for (int i = 0; i < 48; i++) {
		for (size_t j = 0; j < sizeof big; j++)
			big[j] = (char)(i * 7 + j * 13 + (j >> 9)),
			sum += (unsigned char)big[j] * (j + 1);
		if (write(fd, big, sizeof big) != sizeof big)
			break;
	}
	show("size of the 384 KiB file", file_size("big"));
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, big, sizeof big)) > 0)
		for (long j = 0; j < n; j++)
			back += (unsigned char)big[j] * (j + 1);
	printf("384 KiB read back intact: %s\n", yes(sum == back));
	close(fd);
}

static void rename_unlink(void)
{
	char buf[64];
	int fd = open("r1", O_CREAT | O_WRONLY, 0600);
	write(fd, "first", 5);
	close(fd);
	fd = open("r2", O_CREAT | O_WRONLY, 0600);
	write(fd, "second", 6);
	close(fd);
	show("rename r1 to r3", rename("r1", "r3"));
	show("r1 afterwards", file_size("r1"));
	read_all("r3", buf, sizeof buf);
	printf("r3 holds: %s\n", buf);
	show("rename r3 over r2", rename("r3", "r2"));
	read_all("r2", buf, sizeof buf);
	printf("r2 holds: %s; r3 size %ld\n", buf, file_size("r3"));
	show("rename r2 to itself", rename("r2", "r2"));
	show("rename a missing file", rename("r1", "r4"));
	show("rename into a missing directory", rename("r2", "nodir/r2"));

	/* An unlinked file lives on while it is open. */
	fd = open("r2", O_RDWR | O_APPEND);
	show("unlink r2 while open", unlink("r2"));
	show("stat r2 afterwards", file_size("r2"));
	struct stat st;
	fstat(fd, &st);
	printf("fstat: links %ld, size %ld\n", (long)st.st_nlink, (long)st.st_size);
	write(fd, "+more", 5);
	long n = pread(fd, buf, sizeof buf, 0);
	printf("still readable: %.*s\n", (int)(n > 0 ? n : 0), buf);
	close(fd);
	show("unlink it again", unlink("r2"));
	show("unlink a directory", unlink("."));
}

static void descriptors(void)
{
	char buf[16];
	int fd = open("a", O_RDWR);
	write(fd, "0123456789", 10);
	lseek(fd, 0, SEEK_SET);
	int d = dup(fd);
	read(fd, buf, 2);
	printf("dup shares the offset: %s\n", yes(lseek(d, 0, SEEK_CUR) == 2));
	close(fd);
	show("the dup still reads after the original is closed", read(d, buf, 3));
	int fd2 = open("a", O_RDONLY);
	printf("the lowest free number is reused: %s\n", yes(fd2 == fd));
	show("dup2 onto itself returns it", dup2(d, d) == d);
	int hi = dup2(d, 40);
	show("dup2 onto 40", hi);
	show("dup2 onto an open number replaces it", dup2(fd2, 40));
	show("F_GETFD after dup2", fcntl(40, F_GETFD));
	close(40);
	show("F_DUPFD from 50", fcntl(d, F_DUPFD, 50));
	show("F_DUPFD_CLOEXEC from 50 then F_GETFD", fcntl(fcntl(d, F_DUPFD_CLOEXEC, 50), F_GETFD));
	show("F_SETFD FD_CLOEXEC", fcntl(d, F_SETFD, FD_CLOEXEC));
	show("F_GETFD", fcntl(d, F_GETFD));
	int fl = fcntl(d, F_GETFL);
	printf("F_GETFL: O_RDWR %s, O_APPEND %s\n", yes((fl & O_ACCMODE) == O_RDWR),
	       yes(fl & O_APPEND));
	show("F_SETFL O_APPEND", fcntl(d, F_SETFL, fl | O_APPEND));
	fl = fcntl(d, F_GETFL);
	printf("F_GETFL: O_RDWR %s, O_APPEND %s\n", yes((fl & O_ACCMODE) == O_RDWR),
	       yes(fl & O_APPEND));
	show("close", close(d));
	show("close again", close(d));
	close(fd2);
	close(50);
	close(51);
}

static void pipes(void)
{
	int p[2];
	char buf[16];
	show("pipe", pipe(p));
	show("write 4 into the pipe", write(p[1], "ping", 4));
	long n = read(p[0], buf, sizeof buf);
	printf("read %ld from the pipe: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	struct stat st;
	fstat(p[0], &st);
	printf("pipe is a FIFO: %s\n", yes(S_ISFIFO(st.st_mode)));
	show("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
	show("read from the write end", read(p[1], buf, 1));
	write(p[1], "bye", 3);
	close(p[1]);
	n = read(p[0], buf, sizeof buf);
	printf("after the writer closed: %ld (%.*s), then %ld\n", n, (int)(n > 0 ? n : 0), buf,
	       (long)read(p[0], buf, sizeof buf));
	close(p[0]);
	show("pipe2 O_NONBLOCK|O_CLOEXEC", pipe2(p, O_NONBLOCK | O_CLOEXEC));
	show("read from an empty non-blocking pipe", read(p[0], buf, 1));
	show("F_GETFD", fcntl(p[0], F_GETFD));
	close(p[0]);
	close(p[1]);
}

static void devices(void)
{
	char buf[64];
	int fd = open("/dev/null", O_RDWR);
	show("write /dev/null", write(fd, "discard", 7));
	show("read /dev/null", read(fd, buf, sizeof buf));
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, sizeof buf);
	long n = read(fd, buf, sizeof buf);
	printf("read /dev/zero: %ld, all zero: %s\n", n, yes(all_zero(buf, sizeof buf)));
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	show("read 32 from /dev/urandom", read(fd, buf, 32));
	close(fd);

	char exe[PATH_MAX];
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	char *base = strrchr(exe, '/');
	printf("/proc/self/exe: absolute %s, names %s\n", yes(exe[0] == '/'),
	       base ? base + 1 : exe);
	show("readlink into 4 bytes", readlink("/proc/self/exe", exe, 4));
	show("readlink of a regular file", readlink("a", exe, sizeof exe));
	show("readlink of a missing file", readlink("missing", exe, sizeof exe));
}

static void working_directory(const char *dir)
{
	char cwd[PATH_MAX], small[4];
	printf("getcwd is the new directory: %s\n",
	       yes(getcwd(cwd, sizeof cwd) && !strcmp(cwd, dir)));
	show("chdir ..", chdir(".."));
	printf("getcwd is /tmp: %s\n", yes(getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/tmp")));
	show("chdir back by absolute path", chdir(dir));
	show("chdir into a file", chdir("a"));
	show("chdir into a missing directory", chdir("missing"));
	printf("getcwd into 4 bytes: %s\n",
	       getcwd(small, sizeof small) ? "ok" : strerrorname_np(errno));
	printf("getcwd unchanged: %s\n", yes(getcwd(cwd, sizeof cwd) && !strcmp(cwd, dir)));
}

int main(void)
{
	char dir[] = "/tmp/bfXXXXXX", home[PATH_MAX];
	umask(022);
	if (!getcwd(home, sizeof home))
		printf("getcwd: %s\n", strerrorname_np(errno));
	if (!mkdtemp(dir)) {
		printf("mkdtemp: %s\n", strerrorname_np(errno));
		return 1;
	}
	if (chdir(dir)) {
		printf("chdir: %s\n", strerrorname_np(errno));
		return 1;
	}
	create_read_seek();
	append_and_create_errors();
	types_and_vectors();
	rename_unlink();
	descriptors();
	pipes();
	devices();
	working_directory(dir);

	static const char *const names[] = {"a", "log", "ce", "v", "big"};
	int removed = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		removed += unlink(names[i]) == 0;
	printf("removed %d files\n", removed);
	show("chdir to the first directory", chdir(home));
	show("rmdir the directory", rmdir(dir));
	struct stat st;
	show("stat it afterwards", stat(dir, &st));
	return 0;
}
