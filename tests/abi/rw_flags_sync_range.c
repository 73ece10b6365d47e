/* preadv2 and pwritev2 (an offset of -1 is the file position, RWF_NOWAIT
 * on pipes and sockets, RWF_APPEND, flags Linux does not know, each check
 * in Linux's order) and sync_file_range's checks, against Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "result_name.h"

#define FILE_PATH "/tmp/rw_flags_sync_range.dat"
#define UNKNOWN 0x200 /* no Linux knows it */

int main(void)
{
	char buf[32] = {0};
	struct iovec v = {buf, 5}, two[2] = {{buf, 3}, {buf + 3, 3}};
	int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600), p[2], s[2];

	setvbuf(stdout, NULL, _IONBF, 0);
	write(fd, "0123456789", 10);
	lseek(fd, 2, SEEK_SET);
	printf("preadv2 at 4: %s %.5s, position %ld\n", res_value(preadv2(fd, &v, 1, 4, 0)), buf,
	       (long)lseek(fd, 0, SEEK_CUR));
	printf("preadv2 at -1: %s %.5s, position %ld\n", res_value(preadv2(fd, &v, 1, -1, 0)), buf,
	       (long)lseek(fd, 0, SEEK_CUR));
	printf("preadv2 at -2: %s\n", res_value(preadv2(fd, &v, 1, -2, 0)));
	printf("preadv2 at -2, bad descriptor: %s\n", res_value(preadv2(99, &v, 1, -2, 0)));
	printf("RWF_HIPRI|RWF_SYNC|RWF_DSYNC: %s\n",
	       res_value(preadv2(fd, &v, 1, 0, RWF_HIPRI | RWF_SYNC | RWF_DSYNC)));
	printf("unknown flag: %s\n", res_value(preadv2(fd, &v, 1, 0, UNKNOWN)));
	printf("unknown flag, nothing to read: %s\n", res_value(preadv2(fd, &v, 0, 0, UNKNOWN)));
	printf("unknown flag, bad vector: %s\n", res_value(preadv2(fd, NULL, 1, 0, UNKNOWN)));
	printf("unknown flag, 1025 parts: %s\n", res_value(preadv2(fd, &v, 1025, 0, UNKNOWN)));
	int ro = open(FILE_PATH, O_RDONLY);
	/* (a read's answer depends on the file system: ext4 reads, tmpfs does
	 * not; a buffered write says EOPNOTSUPP on both) */
	printf("RWF_NOWAIT write to a regular file: %s, nothing to read %s\n",
	       res(pwritev2(fd, &v, 1, 0, RWF_NOWAIT)),
	       res_value(preadv2(fd, &v, 0, 0, RWF_NOWAIT)));
	printf("unknown flag, write to a read-only file: %s\n",
	       res_value(pwritev2(ro, &v, 1, 0, UNKNOWN)));
	close(ro);

	memcpy(buf, "ABCDEF", 6);
	printf("pwritev2 at 1: %s, position %ld\n", res_value(pwritev2(fd, two, 2, 1, 0)),
	       (long)lseek(fd, 0, SEEK_CUR));
	printf("pwritev2 RWF_APPEND at 0: %s, position %ld\n",
	       res_value(pwritev2(fd, &v, 1, 0, RWF_APPEND)), (long)lseek(fd, 0, SEEK_CUR));
	lseek(fd, 0, SEEK_SET);
	printf("pwritev2 RWF_APPEND at -1: %s, position %ld\n",
	       res_value(pwritev2(fd, &v, 1, -1, RWF_APPEND)), (long)lseek(fd, 0, SEEK_CUR));
	printf("then a plain write at the position: %s, position %ld\n",
	       res_value(write(fd, "z", 1)), (long)lseek(fd, 0, SEEK_CUR));
	memset(buf, 0, sizeof buf);
	pread(fd, buf, sizeof buf - 1, 0);
	printf("the file: %s\n", buf);

	pipe(p);
	v.iov_len = 5;
	printf("empty pipe, RWF_NOWAIT: %s\n", res_value(preadv2(p[0], &v, 1, -1, RWF_NOWAIT)));
	printf("pipe at 0: %s\n", res_value(preadv2(p[0], &v, 1, 0, 0)));
	printf("pipe at 0, bad vector: %s\n", res_value(preadv2(p[0], NULL, 1, 0, 0)));
	write(p[1], "hey", 3);
	printf("pipe, RWF_NOWAIT: %s\n", res_value(preadv2(p[0], &v, 1, -1, RWF_NOWAIT)));
	printf("O_NONBLOCK kept off: %d\n", !(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	static char page[4096];
	struct iovec pv = {page, sizeof page};
	int full = 0;
	while (pwritev2(p[1], &pv, 1, -1, RWF_NOWAIT) > 0)
		full++;
	printf("full pipe after %d pages, RWF_NOWAIT: %s\n", full,
	       res_value(pwritev2(p[1], &pv, 1, -1, RWF_NOWAIT)));
	close(p[0]);
	close(p[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	printf("socket, RWF_NOWAIT: %s, at 0: %s\n",
	       res_value(preadv2(s[0], &v, 1, -1, RWF_NOWAIT)),
	       res_value(preadv2(s[0], &v, 1, 0, 0)));
	close(s[0]);
	close(s[1]);

	printf("sync_file_range: %s\n",
	       res_value(sync_file_range(fd, 0, 10, SYNC_FILE_RANGE_WRITE)));
	printf("  all three flags, length 0: %s\n",
	       res_value(sync_file_range(fd, 5, 0,
					 SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
					     SYNC_FILE_RANGE_WAIT_AFTER)));
	printf("  flag 8: %s\n", res_value(sync_file_range(fd, 0, 10, 8)));
	printf("  offset -1: %s\n", res_value(sync_file_range(fd, -1, 10, 0)));
	printf("  length -1: %s\n", res_value(sync_file_range(fd, 0, -1, 0)));
	printf("  end past 2^63: %s\n", res_value(sync_file_range(fd, 1, 0x7fffffffffffffffll, 0)));
	printf("  bad descriptor, bad flags: %s\n", res_value(sync_file_range(99, 0, 10, 8)));
	pipe(p);
	printf("  a pipe: %s, with bad flags: %s\n", res_value(sync_file_range(p[0], 0, 10, 0)),
	       res_value(sync_file_range(p[0], 0, 10, 8)));
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY), null = open("/dev/null", O_RDONLY);
	printf("  a directory: %s, /dev/null: %s\n", res_value(sync_file_range(dir, 0, 0, 0)),
	       res_value(sync_file_range(null, 0, 0, 0)));
	int path = open(FILE_PATH, O_PATH);
	printf("  O_PATH: %s\n", res_value(sync_file_range(path, 0, 0, 0)));
	unlink(FILE_PATH);
	return 0;
}
