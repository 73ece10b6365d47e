/* /proc/self/fd was missing: its entries are the open descriptors, each a
 * link that leads to the file itself (open reopens it with an offset of
 * its own, stat sees it) and reads as its name or kind. Names as opened
 * (relative ones made absolute), " (deleted)" once unlinked, memfd and
 * O_TMPFILE names, pipes, sockets, eventfds, epolls; a pipe reopened
 * through it; the listing. Compared with Linux (descriptors 0 to 2 are
 * not shown: they differ between the two runs' harnesses). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result_name.h"

static void link_of(const char *what, int fd)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	/* inode numbers differ: keep the kind */
	char *br = strchr(buf, '[');
	if (br && (!strncmp(buf, "pipe:", 5) || !strncmp(buf, "socket:", 7)))
		strcpy(br, "[N]");
	char *hash = strstr(buf, "/#");
	if (hash) {
		char *end = strchr(hash, ' ');
		memmove(hash + 3, end ? end : hash + strlen(hash), strlen(end ? end : "") + 1);
		memcpy(hash, "/#N", 3);
	}
	printf("%s: %s \"%s\"\n", what, n < 0 ? errno_name() : "ok", buf);
}

int main(void)
{
	mkdir("/tmp/psfd", 0700);
	int file = open("/tmp/psfd/file", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(file, "0123456789", 10);
	link_of("a file", file);
	chdir("/tmp/psfd");
	int rel = open("./sub/../file", O_RDONLY);
	link_of("relative with .. (no sub: ENOENT)", rel);
	mkdir("sub", 0700);
	rel = open("./sub/../file", O_RDONLY);
	link_of("relative", rel);
	int dir = open("/tmp/psfd", O_RDONLY | O_DIRECTORY);
	int at = openat(dir, "file", O_RDONLY);
	link_of("openat", at);
	link_of("a directory", dir);

	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", file);
	struct stat st, lst;
	stat(path, &st);
	lstat(path, &lst);
	printf("stat through it: regular %d size %lld; lstat: link %d\n", S_ISREG(st.st_mode),
	       (long long)st.st_size, S_ISLNK(lst.st_mode));
	lseek(file, 4, SEEK_SET);
	int again = open(path, O_RDONLY);
	char b[4] = {0};
	read(again, b, 3);
	printf("reopened: %s, its own offset reads \"%s\"\n", again >= 0 ? "ok" : errno_name(), b);
	link_of("reopened through it", again);
	printf("link the link %s, rename into the directory %s\n", res(link(path, "/tmp/psfd/l")),
	       res(rename("/tmp/psfd/sub", path)));
	unlink("/tmp/psfd/file");
	link_of("unlinked", file);
	mkfifo("/tmp/psfd/fifo", 0600);
	int fifo = open("/tmp/psfd/fifo", O_RDWR);
	unlink("/tmp/psfd/fifo");
	link_of("an unlinked named pipe", fifo);

	int p[2];
	pipe(p);
	link_of("pipe", p[0]);
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	int w = open(path, O_WRONLY);
	printf("a pipe's read end reopened for writing: %s", w >= 0 ? "ok" : errno_name());
	write(w, "via proc", 8);
	char pb[16] = {0};
	read(p[0], pb, sizeof pb);
	printf(", read \"%s\"\n", pb);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	link_of("socket", sv[0]);
	int efd = eventfd(0, 0), ep = epoll_create1(0);
	link_of("eventfd", efd);
	link_of("epoll", ep);
	int mfd = memfd_create("named-memfd", 0);
	link_of("memfd", mfd);
	int tmp = open("/tmp/psfd", O_TMPFILE | O_RDWR, 0600);
	link_of("O_TMPFILE", tmp);
	link_of("closed", 99);
	printf("readlink of the directory: %s\n",
	       res(readlink("/proc/self/fd", path, sizeof path)));
	char dl[64] = {0};
	readlink("/dev/fd", dl, sizeof dl - 1);
	snprintf(path, sizeof path, "/dev/fd/%d", file);
	printf("/dev/fd -> %s; open through it %s\n", dl, res(open(path, O_RDONLY)));

	/* the listing holds every descriptor open here, and not one closed */
	close(at);
	int mine[] = {file, rel, dir, again, p[0], p[1], w, sv[0], sv[1], efd, ep, mfd, tmp},
	    seen = 0, closed = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++)
			seen += atoi(e->d_name) == mine[i];
		closed += atoi(e->d_name) == at && at != dirfd(d);
	}
	printf("listing: %d of the %zu open, %d closed\n", seen, sizeof mine / sizeof mine[0],
	       closed);
	closedir(d);
	printf("open a closed one %s\n", res(open("/proc/self/fd/99", O_RDONLY)));
	printf("create in it %s\n", res(open("/proc/self/fd/98", O_CREAT | O_RDWR, 0600)));
	printf("name with a leading 0 %s\n", res(open("/proc/self/fd/03", O_RDONLY)));
	rmdir("/tmp/psfd/sub");
	rmdir("/tmp/psfd");
	return 0;
}
