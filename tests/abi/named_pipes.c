/* mknod and mkfifo were ENOSYS: named pipes, opened by name by threads
 * that talk through them, and regular and socket files made by mknod.
 * A reader's open waits for a writer's and a writer's for a reader's
 * (O_NONBLOCK: a reader goes on, a writer gets ENXIO), O_RDWR never waits,
 * bytes go with the last close, and Linux's errors. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result_name.h"

static const char *fifo = "/tmp/named_pipe_test";

static void *writer(void *arg)
{
	usleep(30000);
	int w = open(fifo, O_WRONLY); /* the reader waits in its open meanwhile */
	write(w, "through the fifo", 16);
	close(w);
	return arg;
}

static void *reader(void *arg)
{
	usleep(arg ? 30000 : 0);
	int r = open(fifo, O_RDONLY);
	char buf[32] = {0};
	read(r, buf, sizeof buf - 1);
	printf("reader thread got \"%s\"\n", buf);
	close(r);
	return arg;
}

int main(void)
{
	unlink(fifo);
	printf("mkfifo %s\n", res(mkfifo(fifo, 0600)));
	printf("again %s\n", res(mkfifo(fifo, 0600)));
	struct stat st;
	stat(fifo, &st);
	printf("S_ISFIFO %d, mode %o\n", S_ISFIFO(st.st_mode), st.st_mode & 0777);
	printf("writer, no reader, O_NONBLOCK %s\n", res(open(fifo, O_WRONLY | O_NONBLOCK)));
	int r = open(fifo, O_RDONLY | O_NONBLOCK);
	printf("reader, no writer, O_NONBLOCK %s\n", res(r));
	char buf[64];
	printf("read with no writer %s\n", res_value(read(r, buf, sizeof buf)));
	int w = open(fifo, O_WRONLY | O_NONBLOCK);
	printf("writer with a reader %s\n", res(w));
	printf("write %s\n", res_value(write(w, "hello", 5)));
	struct pollfd pf = {r, POLLIN, 0};
	printf("poll %d %#x\n", poll(&pf, 1, 0), pf.revents);
	memset(buf, 0, sizeof buf);
	printf("read %s \"%s\"\n", res_value(read(r, buf, sizeof buf)), buf);
	printf("lseek %s\n", res(lseek(r, 0, SEEK_SET)));
	write(w, "left behind", 11);
	close(w);
	close(r);
	r = open(fifo, O_RDWR);
	printf("O_RDWR %s; the bytes went with the last close: read %s\n", res(r),
	       res_value(read(r, buf, 0)));
	fcntl(r, F_SETFL, O_NONBLOCK);
	printf("empty %s\n", res_value(read(r, buf, sizeof buf)));
	write(r, "self", 4);
	memset(buf, 0, sizeof buf);
	printf("O_RDWR reads what it wrote %s \"%s\"\n", res_value(read(r, buf, sizeof buf)), buf);
	close(r);

	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	r = open(fifo, O_RDONLY);
	memset(buf, 0, sizeof buf);
	printf("blocking reader's open, then read %s \"%s\"\n", res_value(read(r, buf, sizeof buf)),
	       buf);
	pthread_join(t, NULL);
	printf("writer gone: read %s\n", res_value(read(r, buf, sizeof buf)));
	close(r);
	pthread_create(&t, NULL, reader, (void *)1);
	w = open(fifo, O_WRONLY);
	printf("blocking writer's open %s\n", w >= 0 ? "ok" : errno_name());
	write(w, "to the reader thread", 20);
	close(w);
	pthread_join(t, NULL);
	w = open(fifo, O_RDWR);
	printf("unlink while open %s, still usable %s\n", res(unlink(fifo)),
	       res_value(write(w, "x", 1)));
	close(w);

	/* an O_PATH descriptor is no end: opening and closing one changes
	 * nothing (a reader waits on); a reader that never had a writer sees
	 * no hang-up */
	mkfifo(fifo, 0600);
	pthread_create(&t, NULL, reader, NULL);
	usleep(60000); /* the reader waits in its open */
	close(open(fifo, O_PATH));
	w = open(fifo, O_WRONLY);
	write(w, "past an O_PATH close", 20);
	close(w);
	pthread_join(t, NULL);
	r = open(fifo, O_RDONLY | O_NONBLOCK);
	struct pollfd nw = {r, POLLIN, 0};
	printf("a reader before any writer: poll %d %#x\n", poll(&nw, 1, 0), nw.revents);
	close(r);
	unlink(fifo);
	printf("mknod \"x/\" %s\n", res(mknod("/tmp/named_pipe_slash/", S_IFIFO | 0600, 0)));
	printf("mknod S_IFIFO %s\n", res(mknod(fifo, S_IFIFO | 0640, 0)));
	unlink(fifo);
	printf("mknod regular %s", res(mknod(fifo, S_IFREG | 0600, 0)));
	stat(fifo, &st);
	printf(", S_ISREG %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
	unlink(fifo);
	printf("mknod type 0 %s", res(mknod(fifo, 0600, 0)));
	stat(fifo, &st);
	printf(", S_ISREG %d\n", S_ISREG(st.st_mode));
	printf("mknod over it %s\n", res(mknod(fifo, S_IFIFO | 0600, 0)));
	unlink(fifo);
	printf("mknod socket %s", res(mknod(fifo, S_IFSOCK | 0600, 0)));
	stat(fifo, &st);
	printf(", S_ISSOCK %d, open %s\n", S_ISSOCK(st.st_mode), res(open(fifo, O_RDONLY)));
	unlink(fifo);
	printf("mknod directory %s\n", res(mknod(fifo, S_IFDIR | 0700, 0)));
	printf("mknod bad type %s\n", res(mknod(fifo, 0170000 | 0600, 0)));
	printf("mknod no such directory %s\n", res(mknod("/tmp/no/such/x", S_IFIFO | 0600, 0)));
	printf("mkfifoat %s\n", res(mkfifoat(AT_FDCWD, fifo, 0600)));
	unlink(fifo);
	return 0;
}
