/* signalfd was ENOSYS; event loops read signals from a descriptor. Signals
 * blocked and read as signalfd_siginfo (kill, sigqueue's value, a timer's,
 * a thread's own), several in one read, EAGAIN, a read that waits for
 * another thread's signal, a changed mask, poll and epoll woken by a
 * signal, and Linux's errors. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static const char *name(uint32_t sig)
{
	static char buf[16];
	if (sig >= (uint32_t)SIGRTMIN) {
		snprintf(buf, sizeof buf, "RTMIN+%u", sig - (uint32_t)SIGRTMIN);
		return buf;
	}
	return sigabbrev_np((int)sig);
}

static void show(const char *what, int fd)
{
	struct signalfd_siginfo si[4];
	ssize_t n = read(fd, si, sizeof si);
	printf("%s: ", what);
	if (n < 0) {
		printf("%s\n", errno_name());
		return;
	}
	printf("%zd bytes", n);
	for (size_t i = 0; i < n / sizeof si[0]; i++)
		printf(" [%s code %d pid %s int %d ptr %#llx]", name(si[i].ssi_signo),
		       si[i].ssi_code, si[i].ssi_pid == (uint32_t)getpid() ? "self" : "other",
		       si[i].ssi_int, (unsigned long long)si[i].ssi_ptr);
	printf("\n");
}

static sigset_t set_of(int a, int b)
{
	sigset_t s;
	sigemptyset(&s);
	if (a)
		sigaddset(&s, a);
	if (b)
		sigaddset(&s, b);
	return s;
}

static void errors(void)
{
	sigset_t s = set_of(SIGUSR1, 0);
	printf("size 4 %s\n", res(syscall(SYS_signalfd4, -1, &s, 4L, 0L)));
	printf("bad mask pointer %s\n", res(syscall(SYS_signalfd4, -1, (void *)8, 8L, 0L)));
	printf("bad flags %s\n", res(syscall(SYS_signalfd4, -1, &s, 8L, 1L)));
	printf("bad fd %s\n", res(signalfd(999, &s, 0)));
	printf("fd -2 %s\n", res(signalfd(-2, &s, 0)));
	printf("not a signalfd %s\n", res(signalfd(0, &s, 0)));
	int fd = signalfd(-1, &s, SFD_NONBLOCK);
	char small[64];
	printf("read of 64 %s\n", res(read(fd, small, sizeof small)));
	printf("write %s\n", res(write(fd, small, 8)));
	printf("changed in place is the same fd %d\n", signalfd(fd, &s, 0) == fd);
	close(fd);
}

static int tfd;

static int sw_fd, sw_pipe[2];

static void *sigwait_thread(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	int sig = 0;
	sigwait(&s, &sig);
	printf("sigwait in another thread took %d\n", sig);
	return arg;
}

static void *poll_thread(void *arg)
{
	struct pollfd p = {sw_fd, POLLIN, 0};
	poll(&p, 1, 1000);
	char c;
	read(sw_pipe[0], &c, 1);
	return arg;
}

static void *block_on(void *arg)
{
	char c;
	read(((int *)arg)[0], &c, 1); /* until main writes */
	return arg;
}

static void *send_later(void *arg)
{
	usleep(30000);
	kill(getpid(), SIGUSR2);
	return arg;
}

int main(void)
{
	errors();
	sigset_t both = set_of(SIGUSR1, SIGUSR2);
	sigprocmask(SIG_BLOCK, &both, NULL);
	int fd = signalfd(-1, &both, SFD_NONBLOCK | SFD_CLOEXEC);
	show("nothing pending", fd);
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	printf("poll, nothing: %d\n", poll(&pf, 1, 0));
	kill(getpid(), SIGUSR1);
	printf("poll after kill: %d %#x\n", poll(&pf, 1, 0), pf.revents);
	show("kill", fd);
	sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 1234});
	kill(getpid(), SIGUSR1);
	show("two at once", fd);
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	show("tgkill", fd);

	/* SIGKILL is taken out of the mask; a mask changed in place */
	sigset_t k = set_of(SIGUSR1, SIGKILL);
	signalfd(fd, &k, 0);
	kill(getpid(), SIGUSR2);
	show("USR2 not in the mask now", fd);
	signalfd(fd, &both, 0);
	show("in the mask again", fd);

	/* a real-time signal queued twice is read twice */
	sigset_t rt = set_of(SIGRTMIN, 0);
	sigprocmask(SIG_BLOCK, &rt, NULL);
	int rfd = signalfd(-1, &rt, SFD_NONBLOCK);
	sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 1});
	sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 2});
	show("real-time, queued twice", rfd);

	/* a POSIX timer's signal */
	timer_t t;
	struct sigevent sev = {
	    .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN, .sigev_value.sival_int = 77};
	timer_create(CLOCK_MONOTONIC, &sev, &t);
	struct itimerspec its = {{0, 0}, {0, 10000000}};
	timer_settime(t, 0, &its, NULL);
	int rblock = signalfd(-1, &rt, 0);
	struct signalfd_siginfo si;
	read(rblock, &si, sizeof si);
	printf("timer: %s code %d int %d\n", name(si.ssi_signo), si.ssi_code, si.ssi_int);
	timer_delete(t);

	/* waits ended by another thread's signal: a blocking read, epoll */
	int bfd = signalfd(-1, &both, 0);
	pthread_t th;
	pthread_create(&th, NULL, send_later, NULL);
	show("blocking read", bfd);
	pthread_join(th, NULL);
	int ep = epoll_create1(0);
	struct epoll_event e = {.events = EPOLLIN, .data.u64 = 5};
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
	pthread_create(&th, NULL, send_later, NULL);
	printf("epoll woken: %d\n", epoll_wait(ep, &e, 1, 5000));
	pthread_join(th, NULL);
	show("then read", fd);
	pthread_create(&th, NULL, send_later, NULL);
	pf.revents = 0;
	printf("poll woken: %d %#x\n", poll(&pf, 1, 5000), pf.revents);
	pthread_join(th, NULL);
	show("then read", fd);
	/* a pending signal that a wait does not report must not end it or
	 * spin: poll with no events, and EPOLLET after the first report */
	kill(getpid(), SIGUSR1);
	struct pollfd none = {.fd = fd, .events = 0};
	printf("poll for no events, a signal pending: %d\n", poll(&none, 1, 50));
	int et = epoll_create1(0);
	e = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u64 = 6};
	epoll_ctl(et, EPOLL_CTL_ADD, fd, &e);
	printf("EPOLLET: %d", epoll_wait(et, &e, 1, 50));
	printf(", again %d", epoll_wait(et, &e, 1, 50));
	pthread_create(&th, NULL, send_later, NULL);
	printf(", a second signal from another thread %d\n", epoll_wait(et, &e, 1, 5000));
	pthread_join(th, NULL);
	show("both read", fd);
	close(et);

	/* a timer's signal ends an epoll wait while another thread waits for
	 * ever: no deadlock */
	int p[2];
	pipe(p);
	pthread_create(&th, NULL, block_on, p);
	timer_t t2;
	struct sigevent sev2 = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	timer_create(CLOCK_MONOTONIC, &sev2, &t2);
	struct itimerspec once = {{0, 0}, {0, 20000000}};
	timer_settime(t2, 0, &once, NULL);
	printf("epoll woken by a timer's signal: %d\n", epoll_wait(ep, &e, 1, -1));
	show("then read", fd);
	write(p[1], "x", 1);
	pthread_join(th, NULL);
	timer_delete(t2);
	/* a thread polling a signalfd does not take a signal from a thread in
	 * sigwait */
	sw_fd = fd;
	pipe(sw_pipe);
	pthread_t w, q;
	pthread_create(&w, NULL, sigwait_thread, NULL);
	pthread_create(&q, NULL, poll_thread, NULL);
	usleep(100000);
	kill(getpid(), SIGUSR1);
	pthread_join(w, NULL);
	write(sw_pipe[1], "x", 1);
	pthread_join(q, NULL);
	tfd = fd;
	close(ep);
	close(bfd);
	close(rblock);
	close(rfd);
	close(fd);
	return 0;
}
