/* fsync and fdatasync on a pipe returned 0; Linux says EINVAL for pipes
 * and devices, 0 for files and directories, EBADF for a closed fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *res(int r)
{
	if (r == 0)
		return "0";
	return errno == EINVAL ? "EINVAL" : errno == EBADF ? "EBADF" : strerror(errno);
}

int main(void)
{
	int p[2];
	pipe(p);
	printf("pipe read end: fsync %s, fdatasync %s\n", res(fsync(p[0])), res(fdatasync(p[0])));
	printf("pipe write end: fsync %s, fdatasync %s\n", res(fsync(p[1])), res(fdatasync(p[1])));
	int null = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
	printf("/dev/null: fsync %s; /dev/zero: fsync %s\n", res(fsync(null)), res(fsync(zero)));
	char name[] = "/tmp/fsync-XXXXXX";
	int f = mkstemp(name);
	write(f, "x", 1);
	printf("a file: fsync %s, fdatasync %s\n", res(fsync(f)), res(fdatasync(f)));
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	printf("a directory: fsync %s\n", res(fsync(d)));
	int path = open(name, O_PATH);
	printf("an O_PATH fd: fsync %s\n", res(fsync(path)));
	unlink(name);
	close(f);
	printf("a closed fd: fsync %s\n", res(fsync(f)));
	return 0;
}
