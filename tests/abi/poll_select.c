/* poll, ppoll, select and pselect on pipes, files, /dev/null and bad fds:
 * which are ready, that an empty pipe times out, and the error numbers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static const char *err(int r) { return r >= 0 ? "ok" : strerrorname_np(errno); }

int main(void)
{
	int p[2], q[2];
	if (pipe(p) || pipe(q))
		return 1;
	int null = open("/dev/null", O_RDWR);
	char name[] = "/tmp/pollXXXXXX";
	int file = mkstemp(name);
	unlink(name);

	struct pollfd fds[6] = {
	    {p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {null, POLLIN | POLLOUT, 0},
	    {file, POLLIN, 0}, {999, POLLIN, 0},   {-1, POLLIN, 0},
	};
	int r = poll(fds, 6, 0);
	printf("poll, empty pipe: %d ready; revents", r);
	for (int i = 0; i < 6; i++)
		printf(" %#x", fds[i].revents);
	printf("\n");

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = poll(fds, 1, 50);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("poll on an empty pipe for 50 ms: %d, waited at least 50 ms: %s\n", r,
	       ms >= 49 ? "yes" : "no");

	write(p[1], "x", 1);
	r = poll(fds, 1, -1);
	printf("after a write: %d, revents %#x\n", r, fds[0].revents);
	close(q[1]);
	struct pollfd hup = {q[0], POLLIN, 0};
	r = poll(&hup, 1, -1);
	printf("write end closed: %d, revents %#x\n", r, hup.revents);

	struct timespec zero = {0, 0};
	r = ppoll(fds, 2, &zero, NULL);
	printf("ppoll: %d\n", r);
	struct timespec bad = {0, 2000000000};
	r = ppoll(fds, 1, &bad, NULL);
	printf("ppoll with a bad timeout: %s\n", err(r));
	r = poll((struct pollfd *)8, 1, 0);
	printf("poll with a bad pointer: %s\n", err(r));

	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	FD_SET(file, &rd);
	FD_SET(p[1], &wr);
	struct timeval tv = {0, 0};
	int top = p[0];
	if (q[0] > top)
		top = q[0];
	if (file > top)
		top = file;
	if (p[1] > top)
		top = p[1];
	r = select(top + 1, &rd, &wr, NULL, &tv);
	printf("select: %d; readable pipe %d, hung-up pipe %d, file %d; writable pipe %d\n", r,
	       FD_ISSET(p[0], &rd), FD_ISSET(q[0], &rd), FD_ISSET(file, &rd), FD_ISSET(p[1], &wr));
	char c;
	read(p[0], &c, 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timespec ts = {0, 30000000};
	r = pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL);
	printf("pselect on an emptied pipe for 30 ms: %d\n", r);
	FD_ZERO(&rd);
	FD_SET(20, &rd);
	r = select(21, &rd, NULL, NULL, &tv);
	printf("select on a closed fd: %s\n", err(r));
	return 0;
}
