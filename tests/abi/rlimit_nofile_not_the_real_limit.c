/* RLIMIT_NOFILE did not match the real descriptor limit: it could be raised
 * to 1048576 while open failed at fd 1024 anyway, and lowering it changed
 * nothing. Now descriptors go up to the soft limit, whatever it is set to:
 * open, dup, dup2, fcntl(F_DUPFD) and poll check it as Linux does. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "result_name.h"

/* Open /dev/null until it fails; returns the highest fd opened. */
static int fill(const char *label)
{
	int last = -1, fd;
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	printf("%s: open fails with %s, highest fd %d\n", label, res(-1), last);
	return last;
}

static void empty(int from, int to)
{
	for (int fd = from; fd <= to; fd++)
		close(fd);
}

int main(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	empty(3, 4000); /* whatever the native run inherited */
	rl.rlim_cur = 64;
	printf("soft limit 64: %s\n", res(setrlimit(RLIMIT_NOFILE, &rl)));
	int last = fill("limit 64");
	printf("dup: %s, dup2(0, 63): %s, dup2(0, 64): %s, F_DUPFD 64: %s, F_DUPFD 10: %s\n",
	       res(dup(0)), res(dup2(0, 63)), res(dup2(0, 64)), res(fcntl(0, F_DUPFD, 64)),
	       res(fcntl(0, F_DUPFD, 10)));
	struct pollfd p[65];
	memset(p, 0, sizeof p);
	for (int i = 0; i < 65; i++)
		p[i].fd = -1;
	printf("poll 64 fds: %s, poll 65 fds: %s\n", res(poll(p, 64, 0)), res(poll(p, 65, 0)));
	empty(3, last);
	rl.rlim_cur = 3000;
	if (rl.rlim_max < 3000)
		rl.rlim_max = 3000;
	printf("soft limit 3000: %s\n", res(setrlimit(RLIMIT_NOFILE, &rl)));
	last = fill("limit 3000");
	printf("dup2(0, 2999): %s, dup2(0, 3000): %s\n", res(dup2(0, 2999)), res(dup2(0, 3000)));
	empty(3, last);
	printf("after closing them all, open gives fd %d\n", open("/dev/null", O_RDONLY));
	rl.rlim_cur = 8;
	setrlimit(RLIMIT_NOFILE, &rl);
	printf("soft limit 8 below open fds: fd 3 still open %s, open: %s\n",
	       fcntl(3, F_GETFD) >= 0 ? "yes" : "no", res(open("/dev/null", O_RDONLY)));
	return 0;
}
