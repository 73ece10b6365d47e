/*
 * Pipes between threads: a reader or writer blocked on a pipe is woken by
 * what another thread does to it. Checked: 3000 one-byte round trips
 * through two pipes; a reader blocked on an empty pipe gets end-of-file
 * when the other thread closes the write end; a writer blocked on a full
 * pipe gets EPIPE (SIGPIPE ignored) when the other thread closes the read
 * end; a blocked reader interrupted by a signal another thread sends
 * (handler without SA_RESTART) gets EINTR; poll and select without a
 * timeout on an empty pipe return when another thread writes to it; a
 * read, poll or select whose descriptor another thread closes meanwhile.
 * Output must equal Linux's.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#define ROUNDS 3000

static int ping[2], pong[2];

static void *echo(void *arg)
{
	char c;
	(void)arg;
	while (read(ping[0], &c, 1) == 1) {
		c = (char)(c + 1);
		if (write(pong[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

static void round_trips(void)
{
	pthread_t t;
	unsigned long sum = 0;
	pipe(ping);
	pipe(pong);
	pthread_create(&t, NULL, echo, NULL);
	for (int i = 0; i < ROUNDS; i++) {
		char c = (char)i;
		write(ping[1], &c, 1);
		if (read(pong[0], &c, 1) != 1) {
			printf("round trip %d: no answer\n", i);
			break;
		}
		sum += (unsigned char)c;
	}
	close(ping[1]); /* the echo thread sees end-of-file */
	pthread_join(t, NULL);
	close(ping[0]), close(pong[0]), close(pong[1]);
	printf("%d round trips, checksum %lu\n", ROUNDS, sum);
}

static int fds[2];

static void *close_after(void *arg)
{
	usleep(300000); /* let the main thread block first */
	close(fds[(long)arg]);
	return NULL;
}

static void *close_both_after(void *arg)
{
	(void)arg;
	usleep(300000); /* let the main thread block first */
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

/* Both ends closed by another thread while a read waits: the read holds
 * its end, so it sees end-of-file. */
static void closed_under_a_wait(void)
{
	pthread_t t;
	char c;
	pipe(fds);
	pthread_create(&t, NULL, close_both_after, NULL);
	ssize_t n = read(fds[0], &c, 1);
	pthread_join(t, NULL);
	printf("blocked read, both ends closed by another thread: %zd\n", n);
}

static void eof_while_blocked(void)
{
	pthread_t t;
	char c;
	pipe(fds);
	pthread_create(&t, NULL, close_after, (void *)1L);
	ssize_t n = read(fds[0], &c, 1);
	pthread_join(t, NULL);
	printf("blocked read, write end closed by another thread: %zd\n", n);
	close(fds[0]);
}

/* Close the read end once the pipe is full (the writer blocked, or about
 * to). */
static void *close_when_full(void *arg)
{
	struct pollfd p = {.fd = fds[1], .events = POLLOUT};
	(void)arg;
	while (poll(&p, 1, 0) != 0)
		usleep(10000);
	usleep(50000);
	close(fds[0]);
	return NULL;
}

static void epipe_while_blocked(void)
{
	static char big[1 << 20];
	pthread_t t;
	signal(SIGPIPE, SIG_IGN);
	pipe(fds);
	pthread_create(&t, NULL, close_when_full, NULL);
	size_t total = 0;
	ssize_t n;
	while ((n = write(fds[1], big, sizeof big - total)) > 0)
		total += (size_t)n;
	int err = errno;
	pthread_join(t, NULL);
	printf("blocked write, read end closed by another thread: %zd (%s), %s\n", n,
	       n < 0 ? strerror(err) : "-", total >= 65536 ? "after filling the pipe" : "early");
	close(fds[1]);
}

static void on_usr1(int s)
{
	(void)s;
}

static pthread_t main_thread;
static volatile int read_over;

/* Signal the main thread until its read is over (a signal that comes
 * before the read blocks only runs the handler). */
static void *signal_until_read_over(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&read_over, __ATOMIC_ACQUIRE)) {
		usleep(50000);
		pthread_kill(main_thread, SIGUSR1);
	}
	return NULL;
}

static void eintr_while_blocked(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1; /* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t t;
	char c;
	pipe(fds);
	main_thread = pthread_self();
	pthread_create(&t, NULL, signal_until_read_over, NULL);
	ssize_t n = read(fds[0], &c, 1);
	int err = errno;
	__atomic_store_n(&read_over, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	printf("blocked read, signal from another thread: %zd (%s)\n", n,
	       n < 0 ? strerror(err) : "-");
	close(fds[0]), close(fds[1]);
}

static void *write_after(void *arg)
{
	(void)arg;
	usleep(100000);
	write(fds[1], "x", 1);
	return NULL;
}

/* poll, then select, on the read end of a new pipe while a thread runs fn
 * on it (timeout_ms -1: none); then both ends are closed (an end fn
 * closed again in vain: no descriptor was made meanwhile). */
static void poll_and_select(void *(*fn)(void *), void *arg, int timeout_ms, const char *what)
{
	pthread_t t;
	pipe(fds);
	pthread_create(&t, NULL, fn, arg);
	struct pollfd p = {.fd = fds[0], .events = POLLIN};
	int n = poll(&p, 1, timeout_ms);
	pthread_join(t, NULL);
	printf("poll, %s: %d, revents %#x\n", what, n, p.revents);
	close(fds[0]), close(fds[1]);
	pipe(fds);
	fd_set set;
	FD_ZERO(&set);
	FD_SET(fds[0], &set);
	struct timeval tv = {timeout_ms / 1000, 0};
	pthread_create(&t, NULL, fn, arg);
	n = select(fds[0] + 1, &set, NULL, NULL, timeout_ms < 0 ? NULL : &tv);
	pthread_join(t, NULL);
	printf("select, %s: %d, readable %d\n", what, n, FD_ISSET(fds[0], &set) != 0);
	close(fds[0]), close(fds[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	round_trips();
	eof_while_blocked();
	epipe_while_blocked();
	eintr_while_blocked();
	poll_and_select(write_after, NULL, -1, "another thread writes");
	closed_under_a_wait();
	poll_and_select(close_after, (void *)0L, 1000, "descriptor closed by another thread");
	return 0;
}
