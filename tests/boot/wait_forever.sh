# Waits that nothing but this very process could end (one thread): reading
# an empty pipe whose write end is open, filling a pipe nobody drains,
# polling such a pipe with no timeout (poll, or epoll_wait on an epoll
# holding it), opening a named pipe that no one else opens, reading a
# timerfd that is not armed, futex_waitv on words nobody else wakes,
# splicing out of an empty pipe or into a full one, accepting on a TCP
# listener nothing connects to, reading a TCP connection whose other end
# (this thread's) never writes, and pause, sigsuspend and sigwaitinfo
# with no timer armed, or with the timer's signal blocked. Linux would hang
# forever; the program ends with 137 and a message naming the cause instead,
# and the kernel goes on (every page comes back).
. tests/boot/common.inc
cat >"$TMP/wait.c" <<'END'
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/time.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int p[2];
	char buf[4096];
	pipe(p);
	printf("start\n");
	fflush(stdout);
	if (!strcmp(argv[1], "read")) {
		read(p[0], buf, 1);
	} else if (!strcmp(argv[1], "write")) {
		memset(buf, 'x', sizeof buf);
		for (;;)
			write(p[1], buf, sizeof buf);
	} else if (!strcmp(argv[1], "poll")) {
		struct pollfd f = {p[0], POLLIN, 0};
		poll(&f, 1, -1);
	} else if (!strcmp(argv[1], "epoll")) {
		struct epoll_event e = {.events = EPOLLIN};
		int ep = epoll_create1(0);
		epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
		epoll_wait(ep, &e, 1, -1);
	} else if (!strcmp(argv[1], "fifo")) {
		unlink("/tmp/wait_fifo");
		mkfifo("/tmp/wait_fifo", 0600);
		open("/tmp/wait_fifo", O_RDONLY);
	} else if (!strcmp(argv[1], "timerfd")) {
		read(timerfd_create(CLOCK_MONOTONIC, 0), buf, 8);
	} else if (!strcmp(argv[1], "splice-in")) {
		int fd = open("/tmp/wait_splice", O_RDWR | O_CREAT, 0600);
		splice(p[0], NULL, fd, NULL, 10, 0);
	} else if (!strcmp(argv[1], "splice-out")) {
		int fd = open("/tmp/wait_splice", O_RDWR | O_CREAT, 0600);
		write(fd, buf, sizeof buf);
		for (;;) {
			loff_t off = 0;
			splice(fd, &off, p[1], NULL, sizeof buf, 0);
		}
	} else if (!strncmp(argv[1], "tcp-", 4)) {
		int l = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof a;
		bind(l, (struct sockaddr *)&a, sizeof a);
		listen(l, 1);
		getsockname(l, (struct sockaddr *)&a, &len);
		if (!strcmp(argv[1], "tcp-read")) {
			int c = socket(AF_INET, SOCK_STREAM, 0);
			connect(c, (struct sockaddr *)&a, sizeof a);
			read(c, buf, 1);
		} else {
			accept(l, NULL, NULL);
		}
	} else if (!strcmp(argv[1], "futex_waitv")) {
		static uint32_t words[2];
		struct futex_waitv w[2] = {{0, (uintptr_t)&words[0], 2 | 128, 0},
					   {0, (uintptr_t)&words[1], 2, 0}};
		syscall(449, w, 2, 0, NULL, 1); /* SYS_futex_waitv */
	} else {
		/* A timer armed whose signal stays blocked cannot end these. */
		sigset_t set;
		struct itimerval v = {{0, 0}, {0, 10000}};
		sigemptyset(&set);
		sigaddset(&set, SIGALRM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (!strcmp(argv[1], "pause-blocked-timer"))
			setitimer(ITIMER_REAL, &v, NULL);
		if (!strncmp(argv[1], "pause", 5))
			pause();
		else if (!strcmp(argv[1], "sigsuspend"))
			sigsuspend(&set);
		else
			sigwaitinfo(&set, NULL);
	}
	printf("never printed\n");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/wait" "$TMP/wait.c" || fail "cannot build the program"
for mode in read write poll epoll fifo splice-in splice-out pause pause-blocked-timer sigsuspend sigwaitinfo; do
	run ./bareflow run --verbose --timeout 60 "$TMP/wait" $mode
	expect_status 137
	expect_output "^start$"
	expect_no_output "never printed"
	expect_output "would wait forever"
	expect_output "every page, page table and heap block the program used is free again"
done
# A timerfd read that no expiry and no other thread could end is reported as
# the futex's and eventfd's waits are: the signal, the cause, the registers.
run ./bareflow run --verbose --timeout 60 "$TMP/wait" timerfd
expect_status 137
expect_output "^start$"
expect_no_output "never printed"
expect_output "Program killed by SIGKILL: timerfd read with the timer not armed and no other thread to arm it (a deadlock)"
expect_output "every page, page table and heap block the program used is free again"
# TCP's waits are reported as Unix sockets' are.
for mode in "tcp-accept:accept with no other thread to connect" \
	"tcp-read:receive from a socket that no other thread writes"; do
	run ./bareflow run --verbose --timeout 60 "$TMP/wait" "${mode%%:*}"
	expect_status 137
	expect_output "^start$"
	expect_no_output "never printed"
	expect_output "Program killed by SIGKILL: ${mode#*:} (a deadlock)"
	expect_output "every page, page table and heap block the program used is free again"
done
run ./bareflow run --verbose --timeout 60 "$TMP/wait" futex_waitv
expect_status 137
expect_output "^start$"
expect_no_output "never printed"
expect_output "Program killed by SIGKILL: futex_waitv with no other thread to wake it (a deadlock)"
expect_output "every page, page table and heap block the program used is free again"
