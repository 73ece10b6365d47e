/* POSIX message queues (mq_*) were not implemented. Opening with Linux's
 * limits, priority order, O_NONBLOCK, full and empty queues with absolute
 * timeouts, attributes, notification registration, and the errors. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static struct timespec soon(long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

static volatile sig_atomic_t notified;
static void on_usr1(int sig) { notified++; }

int main(void)
{
	const char *name = "/bareflow-test-mq";
	struct mq_attr attr = {.mq_maxmsg = 3, .mq_msgsize = 16}, got;
	char buf[64];
	unsigned prio;

	mq_unlink(name);
	printf("open missing: %s\n", res(mq_open(name, O_RDWR)));
	printf("name without '/': %s\n", res(mq_open("x", O_RDWR | O_CREAT, 0600, NULL)));
	printf("name \"/\": %s\n", res(mq_open("/", O_RDWR | O_CREAT, 0600, NULL)));
	printf("name with a second '/': %s\n", res(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL)));
	char longname[300] = "/";
	memset(longname + 1, 'n', 280);
	printf("long name: %s\n", res(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL)));
	struct mq_attr bad = {.mq_maxmsg = 0, .mq_msgsize = 16};
	printf("maxmsg 0: %s\n", res(mq_open(name, O_RDWR | O_CREAT, 0600, &bad)));
	bad = (struct mq_attr){.mq_maxmsg = 4, .mq_msgsize = -1};
	printf("msgsize -1: %s\n", res(mq_open(name, O_RDWR | O_CREAT, 0600, &bad)));
	bad = (struct mq_attr){.mq_maxmsg = 100000, .mq_msgsize = 16};
	printf("maxmsg 100000: %s\n", res(mq_open(name, O_RDWR | O_CREAT, 0600, &bad)));
	bad = (struct mq_attr){.mq_maxmsg = 11, .mq_msgsize = 16};
	printf("maxmsg 11: %s\n", res(mq_open(name, O_RDWR | O_CREAT, 0600, &bad)));
	bad = (struct mq_attr){.mq_maxmsg = 10, .mq_msgsize = 8193};
	printf("msgsize 8193: %s\n", res(mq_open(name, O_RDWR | O_CREAT, 0600, &bad)));
	printf("bad attr pointer: %s\n", res(syscall(SYS_mq_open, name + 1, O_RDWR | O_CREAT, 0600, (void *)8)));

	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0640, &attr);
	printf("create: %s\n", res(q));
	struct stat st;
	printf("fstat: %s, regular %s, mode %o\n", res(fstat(q, &st)), S_ISREG(st.st_mode) ? "yes" : "no",
	       (unsigned)st.st_mode & 0777);
	printf("close-on-exec: %s\n", fcntl(q, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
	printf("O_EXCL again: %s\n", res(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr)));
	printf("O_ACCMODE: %s\n", res(mq_open(name, O_ACCMODE)));
	mq_getattr(q, &got);
	printf("attr: flags %ld maxmsg %ld msgsize %ld curmsgs %ld\n", got.mq_flags, got.mq_maxmsg,
	       got.mq_msgsize, got.mq_curmsgs);

	struct pollfd pfd = {.fd = q, .events = POLLIN | POLLOUT};
	printf("poll, empty: %d, revents %#x\n", poll(&pfd, 1, 0), pfd.revents);
	printf("send prio 1: %s\n", res(mq_send(q, "one", 3, 1)));
	printf("poll, one message: %d, revents %#x\n", poll(&pfd, 1, 0), pfd.revents);
	char line[128] = {0};
	printf("read: %s", res(read(q, line, sizeof line - 1)));
	printf(", %s", line);
	lseek(q, 0, SEEK_SET);
	printf("write: %s\n", res(write(q, "x", 1)));
	printf("send prio 5: %s\n", res(mq_send(q, "five", 4, 5)));
	printf("send prio 1 again: %s\n", res(mq_send(q, "one-b", 5, 1)));
	struct timespec ts = soon(30);
	printf("full, timed send: %s\n", res(mq_timedsend(q, "x", 1, 0, &ts)));
	ts.tv_nsec = 1000000000;
	printf("full, bad timeout: %s\n", res(mq_timedsend(q, "x", 1, 0, &ts)));
	printf("too long: %s\n", res(mq_send(q, buf, 17, 0)));
	printf("prio 32768: %s\n", res(mq_send(q, "x", 1, 32768)));
	mq_getattr(q, &got);
	printf("curmsgs %ld\n", got.mq_curmsgs);
	printf("receive into a small buffer: %s\n", res(mq_receive(q, buf, 15, &prio)));
	for (int i = 0; i < 3; i++) {
		ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
		printf("receive: %zd %.*s prio %u\n", n, (int)(n > 0 ? n : 0), buf, prio);
	}
	ts = soon(30);
	printf("empty, timed receive: %s\n", res(mq_timedreceive(q, buf, sizeof buf, &prio, &ts)));
	ts = (struct timespec){0, 0};
	printf("empty, timeout in the past: %s\n", res(mq_timedreceive(q, buf, sizeof buf, &prio, &ts)));
	struct mq_attr nb = {.mq_flags = O_NONBLOCK}, old;
	printf("setattr O_NONBLOCK: %s\n", res(mq_setattr(q, &nb, &old)));
	printf("old flags %ld\n", old.mq_flags);
	printf("empty, O_NONBLOCK: %s\n", res(mq_receive(q, buf, sizeof buf, &prio)));
	nb.mq_flags = O_APPEND;
	printf("setattr O_APPEND: %s\n", res(mq_setattr(q, &nb, &old)));
	mq_getattr(q, &got);
	printf("flags now %s\n", got.mq_flags & O_NONBLOCK ? "O_NONBLOCK" : "0");
	mq_send(q, "a", 1, 0), mq_send(q, "b", 1, 0), mq_send(q, "c", 1, 0);
	printf("full, O_NONBLOCK: %s\n", res(mq_send(q, "d", 1, 0)));
	printf("zero-length message: ");
	mq_receive(q, buf, sizeof buf, NULL);
	printf("%s, ", res(mq_send(q, "", 0, 7)));
	printf("received %zd\n", mq_receive(q, buf, sizeof buf, &prio));
	printf("bad receive buffer: %s\n", res(mq_receive(q, (char *)8, sizeof buf, &prio)));
	mq_getattr(q, &got);
	printf("curmsgs after a lost message: %ld\n", got.mq_curmsgs);

	/* Notification: registered once; a message into the empty queue fires it. */
	while (mq_receive(q, buf, sizeof buf, NULL) >= 0)
		;
	signal(SIGUSR1, on_usr1);
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	printf("mq_notify: %s\n", res(mq_notify(q, &sev)));
	printf("mq_notify again: %s\n", res(mq_notify(q, &sev)));
	mq_send(q, "n", 1, 0);
	mq_send(q, "m", 1, 0);
	printf("notified %d time(s)\n", (int)notified);
	printf("mq_notify after it fired: %s\n", res(mq_notify(q, &sev)));
	printf("mq_notify(NULL): %s\n", res(mq_notify(q, NULL)));
	sev.sigev_signo = 99;
	printf("mq_notify bad signal: %s\n", res(mq_notify(q, &sev)));
	sev.sigev_notify = 77;
	printf("mq_notify bad kind: %s\n", res(mq_notify(q, &sev)));

	mqd_t r = mq_open(name, O_RDONLY);
	printf("open read-only: %s\n", res(r));
	printf("send on it: %s\n", res(mq_send(r, "x", 1, 0)));
	ssize_t n = mq_receive(r, buf, sizeof buf, &prio);
	printf("receive on it: %zd\n", n);
	mqd_t w = mq_open(name, O_WRONLY | O_NONBLOCK);
	printf("receive on write-only: %s\n", res(mq_receive(w, buf, sizeof buf, &prio)));
	printf("mq_send on stdout: %s\n", res(mq_send(1, "x", 1, 0)));
	printf("mq_getattr on stdout: %s\n", res(mq_getattr(1, &got)));
	printf("mq_send on a closed fd: %s\n", res(mq_send(99, "x", 1, 0)));
	printf("mq_unlink: %s\n", res(mq_unlink(name)));
	printf("mq_unlink again: %s\n", res(mq_unlink(name)));
	printf("unlinked queue still works: %s\n", res(mq_send(w, "z", 1, 3)));
	n = mq_receive(r, buf, sizeof buf, &prio);
	printf("and gives: %zd %.*s prio %u\n", n, (int)(n > 0 ? n : 0), buf, prio);
	printf("open after unlink: %s\n", res(mq_open(name, O_RDWR)));
	printf("mq_close: %s %s %s\n", res(mq_close(q)), res(mq_close(r)), res(mq_close(w)));

	mqd_t d = mq_open(name, O_RDWR | O_CREAT, 0600, NULL);
	mq_getattr(d, &got);
	printf("default attr: maxmsg %ld msgsize %ld\n", got.mq_maxmsg, got.mq_msgsize);
	mq_close(d);
	mq_unlink(name);

	/* RLIMIT_MSGQUEUE (800 KiB) holds nine queues of the default size. */
	int made = 0;
	for (; made < 20; made++) {
		char qn[32];
		snprintf(qn, sizeof qn, "/bareflow-test-mq%d", made);
		mq_unlink(qn);
		if (mq_open(qn, O_RDWR | O_CREAT, 0600, NULL) < 0)
			break;
	}
	printf("default-size queues made: %d, then %s\n", made, res(-1));
	for (int i = 0; i < made; i++) {
		char qn[32];
		snprintf(qn, sizeof qn, "/bareflow-test-mq%d", i);
		mq_unlink(qn);
	}
	return 0;
}
