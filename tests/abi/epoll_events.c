/* epoll was ENOSYS, and event loops (libuv, libevent, Python's selectors,
 * Go's runtime) are built on it. Linux's checks and errors; level- and
 * edge-triggered items on pipes and eventfds, one-shot items, hang-ups,
 * items that go with the last close of their file and not of one
 * descriptor, round robin under a small maxevents, an epoll inside an
 * epoll, poll on an epoll; waits ended by another thread's write, by the
 * timeout and by a signal. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static int cmp_events(const void *a, const void *b)
{
	const struct epoll_event *x = a, *y = b;
	return x->data.u64 < y->data.u64 ? -1 : x->data.u64 > y->data.u64;
}

static const char *bits(uint32_t e)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {{EPOLLIN, "IN"},	{EPOLLOUT, "OUT"},	 {EPOLLERR, "ERR"},
		     {EPOLLHUP, "HUP"}, {EPOLLRDNORM, "RDNORM"}, {EPOLLWRNORM, "WRNORM"}};
	static char buf[4][64];
	static int next;
	char *b = buf[next++ % 4];
	b[0] = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (e & names[i].bit) {
			strcat(b, b[0] ? "|" : "");
			strcat(b, names[i].name);
			e &= ~names[i].bit;
		}
	if (e)
		strcat(b, b[0] ? "|other" : "other");
	return b[0] ? b : "-";
}

/* What one epoll_wait gives, sorted by data: "n: data=EVENTS ...". */
static void show(const char *what, int ep, int max, int timeout)
{
	struct epoll_event ev[16];
	int n = epoll_wait(ep, ev, max, timeout);
	printf("%s: ", what);
	if (n < 0) {
		printf("%s\n", errno_name());
		return;
	}
	qsort(ev, n, sizeof ev[0], cmp_events);
	printf("%d", n);
	for (int i = 0; i < n; i++)
		printf(" %llu=%s", (unsigned long long)ev[i].data.u64, bits(ev[i].events));
	printf("\n");
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = {.events = events, .data.u64 = data};
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = {.events = events, .data.u64 = data};
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

static void errors(void)
{
	int ep = epoll_create1(0), p[2];
	int file = open("/tmp/epoll_regular", O_CREAT | O_RDWR | O_TRUNC, 0600);
	unlink("/tmp/epoll_regular");
	struct epoll_event e = {.events = EPOLLIN}, out[4];
	if (pipe(p) || ep < 0)
		printf("setup failed\n");
	printf("create(0) %s\n", res(epoll_create(0)));
	printf("create(-1) %s\n", res(epoll_create(-1)));
	int old = epoll_create(1);
	printf("create(1) %s\n", res(old));
	close(old);
	printf("create1(bad) %s\n", res(epoll_create1(1)));
	printf("ctl bad epfd %s\n", res(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &e)));
	printf("ctl bad fd %s\n", res(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &e)));
	printf("ctl regular file %s\n", res(epoll_ctl(ep, EPOLL_CTL_ADD, file, &e)));
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	printf("ctl directory %s\n", res(epoll_ctl(ep, EPOLL_CTL_ADD, dir, &e)));
	close(dir);
	printf("ctl itself %s\n", res(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e)));
	printf("ctl not an epoll %s\n", res(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &e)));
	printf("ctl bad op %s\n", res(epoll_ctl(ep, 7, p[0], &e)));
	printf("ctl bad event %s\n", res(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], (void *)8)));
	printf("ctl bad op, bad event %s\n", res(epoll_ctl(ep, 7, p[0], (void *)8)));
	printf("del absent %s\n", res(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL)));
	printf("mod absent %s\n", res(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e)));
	printf("add %s\n", res(add(ep, p[0], EPOLLIN, 1)));
	printf("add again %s\n", res(add(ep, p[0], EPOLLIN, 1)));
	printf("del, event ignored %s\n", res(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], (void *)8)));
	printf("add exclusive %s\n", res(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1)));
	printf("mod exclusive %s\n", res(mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1)));
	printf("mod of an exclusive %s\n", res(mod(ep, p[0], EPOLLIN, 1)));
	printf("add exclusive one-shot %s\n",
	       res(add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 2)));
	int inner = epoll_create1(EPOLL_CLOEXEC);
	printf("add exclusive epoll %s\n", res(add(ep, inner, EPOLLIN | EPOLLEXCLUSIVE, 3)));
	printf("add epoll %s\n", res(add(ep, inner, EPOLLIN, 3)));
	printf("loop %s\n", res(add(inner, ep, EPOLLIN, 4)));
	/* (Linux 6.1 and newer kernels count a chain's length differently: three is fine in all) */
	int chain[3];
	for (int i = 0; i < 3; i++)
		chain[i] = epoll_create1(0);
	for (int i = 0; i < 2; i++)
		printf("chain %d %s\n", i, res(add(chain[i], chain[i + 1], EPOLLIN, 5)));
	for (int i = 0; i < 3; i++)
		close(chain[i]);
	const char *files[] = {"/dev/null",   "/dev/zero",	   "/dev/urandom",
			       "/dev/random", "/proc/self/status", "/proc/meminfo"};
	for (int i = 0; i < 6; i++) {
		int dfd = open(files[i], O_RDONLY);
		printf("ctl %s %s\n", files[i], res(epoll_ctl(ep, EPOLL_CTL_ADD, dfd, &e)));
		close(dfd);
	}
	int opath = open("/tmp", O_PATH);
	printf("ctl O_PATH target %s\n", res(epoll_ctl(ep, EPOLL_CTL_ADD, opath, &e)));
	printf("ctl O_PATH epfd %s\n", res(epoll_ctl(opath, EPOLL_CTL_ADD, p[0], &e)));
	printf("wait O_PATH epfd %s\n", res(epoll_wait(opath, out, 4, 0)));
	close(opath);
	printf("mmap epoll %s\n",
	       mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ep, 0) == MAP_FAILED ? errno_name() : "ok");
	printf("wait max 0 %s\n", res(epoll_wait(ep, out, 0, 0)));
	printf("wait max -1 %s\n", res(epoll_wait(ep, out, -1, 0)));
	printf("wait bad events %s\n", res(epoll_wait(ep, (void *)0xffffffffffff0000ull, 4, 0)));
	printf("wait not an epoll %s\n", res(epoll_wait(p[0], out, 4, 0)));
	printf("wait bad fd %s\n", res(epoll_wait(999, out, 4, 0)));
	sigset_t set;
	sigemptyset(&set);
	printf("pwait bad size %s\n", res(syscall(SYS_epoll_pwait, ep, out, 4L, 0L, &set, 4L)));
	printf("pwait bad mask %s\n",
	       res(syscall(SYS_epoll_pwait, ep, out, 4L, 0L, (void *)8, 8L)));
	struct timespec bad = {0, 1000000000};
	printf("pwait2 bad timeout %s\n",
	       res(syscall(SYS_epoll_pwait2, ep, out, 4L, &bad, NULL, 8L)));
	char c;
	printf("read epoll %s\n", res(read(ep, &c, 1)));
	printf("write epoll %s\n", res(write(ep, &c, 1)));
	close(inner);
	close(file);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void levels_and_edges(void)
{
	int ep = epoll_create1(0), lt[2], et[2], once[2];
	if (pipe(lt) || pipe(et) || pipe(once))
		printf("pipe failed\n");
	char buf[64];
	add(ep, lt[0], EPOLLIN, 10);
	add(ep, et[0], EPOLLIN | EPOLLET, 20);
	add(ep, once[0], EPOLLIN | EPOLLONESHOT, 30);
	show("empty", ep, 8, 0);
	write(lt[1], "ab", 2);
	write(et[1], "ab", 2);
	write(once[1], "ab", 2);
	show("written", ep, 8, 0);
	show("again", ep, 8, 0);
	read(lt[0], buf, 1);
	read(et[0], buf, 1);
	show("one byte read", ep, 8, 0);
	write(et[1], "c", 1);
	show("edge written again", ep, 8, 0);
	read(lt[0], buf, sizeof buf);
	read(et[0], buf, sizeof buf);
	show("drained", ep, 8, 0);
	printf("mod one-shot %s\n", res(mod(ep, once[0], EPOLLIN | EPOLLONESHOT, 31)));
	show("one-shot re-armed", ep, 8, 0);
	show("one-shot spent", ep, 8, 0);
	printf("mod edge %s\n", res(mod(ep, et[0], EPOLLIN | EPOLLET, 21)));
	write(et[1], "d", 1);
	show("edge after mod", ep, 8, 0);

	/* the write ends: room, then a reader gone */
	int w = epoll_create1(0);
	add(w, lt[1], EPOLLOUT, 40);
	add(w, et[1], EPOLLOUT | EPOLLET, 50);
	show("write ends", w, 8, 0);
	show("write ends again", w, 8, 0);
	close(lt[0]);
	show("reader of level gone", w, 8, 0);
	close(et[0]);
	show("reader of edge gone", w, 8, 0);
	close(w);

	/* a reader whose writer goes, with and without data */
	int h[2];
	pipe(h);
	add(ep, h[0], EPOLLIN | EPOLLET, 60);
	write(h[1], "x", 1);
	show("data", ep, 8, 0);
	close(h[1]);
	show("writer gone", ep, 8, 0);
	read(h[0], buf, 1);
	show("hang-up, level", ep, 8, 0);
	close(h[0]);
	close(lt[1]);
	close(et[1]);
	close(once[0]);
	close(once[1]);
	close(ep);
}

/* Items belong to open files: a closed descriptor with a dup still open
 * stays in the set under its old number; the last close removes it. */
static void lifetimes(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	add(ep, p[0], EPOLLIN, 70);
	int copy = dup(p[0]);
	int fd = p[0];
	close(p[0]);
	write(p[1], "y", 1);
	show("dup open, fd closed", ep, 8, 0);
	printf("del closed fd %s\n", res(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL)));
	printf("del the dup %s\n", res(epoll_ctl(ep, EPOLL_CTL_DEL, copy, NULL)));
	printf("add the dup %s\n", res(add(ep, copy, EPOLLIN, 71)));
	close(copy);
	show("last close", ep, 8, 0);
	int q[2];
	pipe(q); /* takes the numbers again */
	write(q[1], "z", 1);
	printf("same number, new file: del %s\n", res(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL)));
	show("new file not in it", ep, 8, 0);
	close(q[0]);
	close(q[1]);
	close(p[1]);
	close(ep);
}

static void fairness_nesting_eventfd(void)
{
	int ep = epoll_create1(0), a[2], b[2];
	pipe(a);
	pipe(b);
	write(a[1], "1", 1);
	write(b[1], "2", 1);
	add(ep, a[0], EPOLLIN, 1);
	add(ep, b[0], EPOLLIN, 2);
	for (int i = 0; i < 4; i++) {
		struct epoll_event e;
		int n = epoll_wait(ep, &e, 1, 0);
		printf("max 1, turn %d: %d %llu\n", i, n, (unsigned long long)e.data.u64);
	}
	int outer = epoll_create1(0);
	add(outer, ep, EPOLLIN, 99);
	show("outer", outer, 8, 0);
	struct pollfd pf = {.fd = ep, .events = POLLIN | POLLOUT};
	printf("poll on epoll %d %s\n", poll(&pf, 1, 0), bits(pf.revents));
	char c;
	read(a[0], &c, 1);
	read(b[0], &c, 1);
	show("outer, inner drained", outer, 8, 0);
	pf.revents = 0;
	printf("poll on empty epoll %d %s\n", poll(&pf, 1, 0), bits(pf.revents));

	int efd = eventfd(0, EFD_NONBLOCK);
	add(ep, efd, EPOLLIN | EPOLLOUT | EPOLLET, 5);
	show("eventfd added", ep, 8, 0);
	show("eventfd again", ep, 8, 0);
	uint64_t one = 1;
	write(efd, &one, 8);
	show("eventfd written", ep, 8, 0);
	read(efd, &one, 8);
	show("eventfd read", ep, 8, 0);
	struct timespec zero = {0, 0};
	printf("pwait2 zero %s\n",
	       res(syscall(SYS_epoll_pwait2, ep, &(struct epoll_event){0}, 1L, &zero, NULL, 8L)));
	close(efd);
	close(outer);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	close(ep);
}

/* Over 64 ready items in one wait: each once. */
static void many(void)
{
	int ep = epoll_create1(0), fds[70];
	for (int i = 0; i < 70; i++) {
		fds[i] = eventfd(1, 0);
		add(ep, fds[i], EPOLLIN, i);
	}
	struct epoll_event out[200];
	int n = epoll_wait(ep, out, 200, 0), seen[70] = {0}, twice = 0;
	for (int i = 0; i < n; i++)
		twice += seen[out[i].data.u64]++ > 0;
	printf("70 ready, maxevents 200: %d, %d twice\n", n, twice);
	n = epoll_wait(ep, out, 50, 0);
	int m = epoll_wait(ep, out + 50, 50, 0);
	memset(seen, 0, sizeof seen);
	twice = 0;
	for (int i = 0; i < n + m; i++)
		twice += seen[out[i].data.u64]++ > 0;
	printf("then 50 and 50: %d and %d, %d twice\n", n, m, twice);
	for (int i = 0; i < 70; i++)
		close(fds[i]);

	/* an event that cannot be copied out stays for the next wait */
	int a = eventfd(1, 0), b = eventfd(1, 0);
	add(ep, a, EPOLLIN | EPOLLONESHOT, 1);
	add(ep, b, EPOLLIN | EPOLLONESHOT, 2);
	long page = sysconf(_SC_PAGESIZE);
	char *two =
	    mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(two + page, page);
	struct epoll_event *edge = (struct epoll_event *)(two + page) - 1;
	printf("second slot unmapped: %d\n", epoll_wait(ep, edge, 2, 0));
	printf("then: %d\n", epoll_wait(ep, out, 2, 0));
	close(a);
	close(b);
	close(ep);
}

/* An edge-triggered item on an epoll fires again when the inner epoll
 * gets a new event; a pipe's write end is not woken by a read of a pipe
 * that was not full. */
static void edges(void)
{
	int inner = epoll_create1(0), outer = epoll_create1(0), e1 = eventfd(0, 0),
	    e2 = eventfd(0, 0);
	add(inner, e1, EPOLLIN | EPOLLONESHOT, 1);
	add(inner, e2, EPOLLIN | EPOLLONESHOT, 2);
	add(outer, inner, EPOLLIN | EPOLLET, 9);
	show("nested edge, nothing yet", outer, 4, 0);
	uint64_t one = 1;
	write(e1, &one, 8);
	show("nested edge, e1", outer, 4, 0);
	show("inner", inner, 4, 0);
	write(e2, &one, 8);
	show("nested edge, e2", outer, 4, 0);
	int p[2], w = epoll_create1(0);
	pipe(p);
	add(w, p[1], EPOLLOUT | EPOLLET, 3);
	show("write end added", w, 4, 0);
	write(p[1], "abc", 3);
	char c;
	read(p[0], &c, 1);
	show("after a read of a pipe not full", w, 4, 0);
	close(p[0]);
	close(p[1]);
	close(w);
	close(e1);
	close(e2);
	close(inner);
	close(outer);
}

/* Linux's limits on the wake-up paths through epolls within epolls:
 * five levels of ten epolls, each holding every epoll of the level below,
 * ten pipes at the bottom. Built from the bottom up, so no chain is too
 * long; the refusals are the path limits' (EINVAL). */
static void path_limits(void)
{
	int lv[5][10], fails = 0, last = 0;
	struct epoll_event ev = {.events = EPOLLIN};
	for (int l = 0; l < 5; l++)
		for (int i = 0; i < (l ? 10 : 1); i++)
			lv[l][i] = epoll_create1(0);
	int p[10][2];
	for (int i = 0; i < 10; i++) {
		pipe(p[i]);
		epoll_ctl(lv[4][i], EPOLL_CTL_ADD, p[i][0], &ev);
	}
	for (int l = 3; l >= 0; l--)
		for (int i = 0; i < (l ? 10 : 1); i++)
			for (int j = 0; j < 10; j++)
				if (epoll_ctl(lv[l][i], EPOLL_CTL_ADD, lv[l + 1][j], &ev))
					fails++, last = errno;
	errno = last;
	printf("path limits: %d refused, %s\n", fails, errno_name());
	write(p[3][1], "x", 1);
	show("top of the levels", lv[0][0], 4, 0);
	for (int l = 0; l < 5; l++)
		for (int i = 0; i < (l ? 10 : 1); i++)
			close(lv[l][i]);
	for (int i = 0; i < 10; i++)
		close(p[i][0]), close(p[i][1]);
}

static int ctl_ep, ctl_fd;

static void *late_ctl(void *arg)
{
	usleep(30000);
	struct epoll_event e = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 77};
	epoll_ctl(ctl_ep, (long)arg, ctl_fd, &e);
	return arg;
}

/* epoll_ctl by another thread wakes a waiter: an ADD, a MOD re-arming a
 * one-shot item (a thread pool's pattern), and poll on the epoll fd. */
static void ctl_wakes(void)
{
	ctl_ep = epoll_create1(0);
	ctl_fd = eventfd(1, 0);
	pthread_t t;
	struct epoll_event e;
	pthread_create(&t, NULL, late_ctl, (void *)(long)EPOLL_CTL_ADD);
	printf("woken by an ADD: %d\n", epoll_wait(ctl_ep, &e, 1, -1));
	pthread_join(t, NULL);
	pthread_create(&t, NULL, late_ctl, (void *)(long)EPOLL_CTL_MOD);
	printf("woken by a MOD: %d\n", epoll_wait(ctl_ep, &e, 1, -1));
	pthread_join(t, NULL);
	pthread_create(&t, NULL, late_ctl, (void *)(long)EPOLL_CTL_MOD);
	struct pollfd pf = {.fd = ctl_ep, .events = POLLIN};
	printf("poll woken by a MOD: %d\n", poll(&pf, 1, -1));
	pthread_join(t, NULL);
	close(ctl_fd);
	close(ctl_ep);
}

static int wake_fd;

static void *late_writer(void *arg)
{
	usleep(50000);
	write(wake_fd, "w", 1);
	return arg;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void waits(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	add(ep, p[0], EPOLLIN, 80);
	double t0 = now_ms();
	show("timeout 30 ms", ep, 8, 30);
	printf("waited at least 30 ms: %d\n", now_ms() - t0 >= 29.5);
	wake_fd = p[1];
	pthread_t t;
	pthread_create(&t, NULL, late_writer, NULL);
	show("woken by a thread's write", ep, 8, -1);
	pthread_join(t, NULL);

	char c;
	read(p[0], &c, 1);
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {.it_value = {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	show("signal, even with SA_RESTART", ep, 8, -1);

	/* a zero timeout looks once and never sees a signal: 0, and the
	 * handler runs after */
	sigset_t none, usr;
	sigemptyset(&none);
	sigemptyset(&usr);
	sigaddset(&usr, SIGUSR1);
	sigaction(SIGUSR1, &sa, NULL);
	sigprocmask(SIG_BLOCK, &usr, NULL);
	raise(SIGUSR1);
	printf("pwait, zero timeout, a signal pending: %s\n",
	       res(epoll_pwait(ep, &(struct epoll_event){0}, 1, 0, &none)));
	sigprocmask(SIG_UNBLOCK, &usr, NULL);

	/* the signal blocked during epoll_pwait: the timeout ends it, then
	 * the handler runs */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	setitimer(ITIMER_REAL, &it, NULL);
	struct epoll_event e;
	int n = epoll_pwait(ep, &e, 1, 60, &block);
	printf("pwait with SIGALRM blocked: %s\n", res(n));
	close(p[0]);
	close(p[1]);
	close(ep);
}

int main(void)
{
	errors();
	levels_and_edges();
	lifetimes();
	fairness_nesting_eventfd();
	waits();
	many();
	edges();
	ctl_wakes();
	path_limits();
	return 0;
}
