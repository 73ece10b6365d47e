/* A TCP echo server on the loopback, as event-loop servers are written:
 * one thread with an epoll set (a non-blocking listener, edge-triggered
 * connections) serving eight client threads, each of which connects,
 * sends 200 messages of its own and reads every echo back; then a UDP
 * request and answer between two threads, over IPv6, with poll, and a
 * thread waiting in recv on a UDP socket connected to a closed port, which
 * another thread's send ends with ECONNREFUSED. What
 * each side counted is printed, so a lost, doubled or misplaced byte or
 * wakeup shows, against Linux. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define CLIENTS 8
#define MESSAGES 200

static int port;

static int read_all(int fd, char *buf, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void *client(void *arg)
{
	long id = (long)arg;
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c, (void *)&a, sizeof a))
		return (void *)-1L;
	long good = 0;
	for (int m = 0; m < MESSAGES; m++) {
		char out[64], in[64];
		int n = snprintf(out, sizeof out, "client %ld message %d %.*s", id, m, m % 23,
				 "abcdefghijklmnopqrstuvwxyz");
		if (write(c, out, (size_t)n) != n || read_all(c, in, (size_t)n))
			break;
		good += !memcmp(in, out, (size_t)n);
	}
	shutdown(c, SHUT_WR);
	char rest;
	long end = read(c, &rest, 1); /* the server closes: the end */
	close(c);
	return (void *)(good * 10 + (end == 0));
}

struct conn {
	int fd;
	long bytes;
};

static long served_bytes, served_conns;

static void *server(void *arg)
{
	int l = (int)(long)arg;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	int open_conns = 0, done = 0;
	while (done < CLIENTS || open_conns) {
		struct epoll_event evs[16];
		int n = epoll_wait(ep, evs, 16, 10000);
		if (n <= 0)
			break; /* (a timeout would show in the counts) */
		for (int i = 0; i < n; i++) {
			struct conn *k = evs[i].data.ptr;
			if (!k) { /* the listener: every connection waiting */
				int fd;
				while ((fd = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					k = calloc(1, sizeof *k);
					k->fd = fd;
					struct epoll_event e = {.events = EPOLLIN | EPOLLET,
								.data.ptr = k};
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
					open_conns++;
					served_conns++;
				}
				continue;
			}
			/* edge-triggered: read until EAGAIN, echoing */
			for (;;) {
				char buf[512];
				ssize_t r = read(k->fd, buf, sizeof buf);
				if (r > 0) {
					k->bytes += r;
					for (ssize_t off = 0; off < r;) {
						ssize_t w =
						    write(k->fd, buf + off, (size_t)(r - off));
						if (w > 0)
							off += w;
					}
					continue;
				}
				if (r < 0 && errno == EAGAIN)
					break;
				served_bytes += k->bytes; /* the end (or an error) */
				epoll_ctl(ep, EPOLL_CTL_DEL, k->fd, NULL);
				close(k->fd);
				free(k);
				open_conns--;
				done++;
				break;
			}
		}
	}
	close(ep);
	return NULL;
}

static int uport;

static void *answerer(void *arg)
{
	int u = (int)(long)arg;
	for (int i = 0; i < 50; i++) {
		struct pollfd p = {u, POLLIN, 0};
		if (poll(&p, 1, 10000) != 1)
			return NULL;
		char buf[64];
		struct sockaddr_in6 from;
		socklen_t len = sizeof from;
		ssize_t n = recvfrom(u, buf, sizeof buf, 0, (void *)&from, &len);
		for (ssize_t j = 0; j < n; j++)
			buf[j] = (char)(buf[j] ^ 0x20);
		sendto(u, buf, (size_t)n, 0, (void *)&from, len);
	}
	return NULL;
}

static void *refused_recv(void *arg)
{
	char b[8];
	return (void *)(long)(recv((int)(long)arg, b, sizeof b, 0) < 0 ? errno : 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (void *)&a, sizeof a) || listen(l, 64)) {
		perror("bind/listen");
		return 1;
	}
	socklen_t alen = sizeof a;
	getsockname(l, (void *)&a, &alen);
	port = ntohs(a.sin_port);

	pthread_t s, c[CLIENTS];
	pthread_create(&s, NULL, server, (void *)(long)l);
	for (long i = 0; i < CLIENTS; i++)
		pthread_create(&c[i], NULL, client, (void *)i);
	for (int i = 0; i < CLIENTS; i++) {
		void *r;
		pthread_join(c[i], &r);
		printf("client %d: %ld echoes right, end seen %ld\n", i, (long)r / 10,
		       (long)r % 10);
	}
	pthread_join(s, NULL);
	printf("server: %ld connections, %ld bytes\n", served_conns, served_bytes);
	close(l);

	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 b = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	bind(u, (void *)&b, sizeof b);
	alen = sizeof b;
	getsockname(u, (void *)&b, &alen);
	uport = ntohs(b.sin6_port);
	pthread_t t;
	pthread_create(&t, NULL, answerer, (void *)(long)u);
	int q = socket(AF_INET6, SOCK_DGRAM, 0);
	connect(q, (void *)&b, sizeof b);
	int right = 0;
	for (int i = 0; i < 50; i++) {
		char out[32], in[32] = {0};
		int n = snprintf(out, sizeof out, "question %d", i);
		send(q, out, (size_t)n, 0);
		ssize_t r = recv(q, in, sizeof in, 0);
		for (int j = 0; j < n; j++)
			out[j] = (char)(out[j] ^ 0x20);
		right += r == n && !memcmp(in, out, (size_t)n);
	}
	pthread_join(t, NULL);
	printf("udp over IPv6: %d of 50 answers right\n", right);

	/* a port nothing is bound to (q has its own already) */
	struct sockaddr_in6 free_one = {.sin6_family = AF_INET6,
					.sin6_addr = IN6ADDR_LOOPBACK_INIT};
	int gone = socket(AF_INET6, SOCK_DGRAM, 0);
	bind(gone, (void *)&free_one, sizeof free_one);
	alen = sizeof free_one;
	getsockname(gone, (void *)&free_one, &alen);
	close(gone);
	connect(q, (void *)&free_one, sizeof free_one);
	pthread_create(&t, NULL, refused_recv, (void *)(long)q);
	usleep(50000); /* (it waits in recv by then, or finds the error at once) */
	send(q, "anyone?", 7, 0);
	void *e;
	pthread_join(t, &e);
	printf("a thread waiting in recv: %s\n",
	       (long)e == ECONNREFUSED ? "ECONNREFUSED" : "other");
	return 0;
}
