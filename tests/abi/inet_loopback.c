/* TCP and UDP over the loopback interface, IPv4 and IPv6, against Linux:
 * socket's checks, bind (ports chosen from the ephemeral range, addresses
 * that are not local, a port in use and SO_REUSEADDR), listen, connect
 * (refused, non-blocking, to the wildcard address), accept and the names
 * each end sees, bytes both ways and a megabyte through a thread, the ends
 * of a connection (EOF, a write after the peer closed, a close with bytes
 * unread), shutdown, the options programs ask for, datagrams (senders'
 * names, a connected socket told the port is closed, sizes), and an IPv6
 * socket taking IPv4 connections unless IPV6_V6ONLY. Ports are printed as
 * "P" (the listener's), "eph" (any other but 0), or 0, so that the output
 * is the same on every run. Where Linux's answer to a write or a datagram
 * (a reset, a port unreachable) must have come back, the program sleeps
 * a little first: Linux may leave it to its softirq thread. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "result_name.h"

static int server_port;

static const char *port_name(int port)
{
	static char b[4][16];
	static int n;
	char *s = b[n++ % 4];
	if (port == server_port && port)
		return "P";
	if (port)
		return "eph";
	snprintf(s, 16, "%d", port);
	return s;
}

/* A name as "family addr:port (len)". */
static const char *name_of(const struct sockaddr_storage *ss, socklen_t len)
{
	static char b[4][96];
	static int n;
	char *s = b[n++ % 4], a[64];
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
		snprintf(s, 96, "inet %s:%s (%u)", a, port_name(ntohs(in->sin_port)), len);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in = (const void *)ss;
		inet_ntop(AF_INET6, &in->sin6_addr, a, sizeof a);
		snprintf(s, 96, "inet6 [%s]:%s (%u)", a, port_name(ntohs(in->sin6_port)), len);
	} else {
		snprintf(s, 96, "family %d (%u)", ss->ss_family, len);
	}
	return s;
}

static void show_name(const char *what, int fd, bool peer)
{
	struct sockaddr_storage ss;
	memset(&ss, 0xee, sizeof ss);
	socklen_t len = sizeof ss;
	int r = peer ? getpeername(fd, (void *)&ss, &len) : getsockname(fd, (void *)&ss, &len);
	printf("%s: %s\n", what, r ? res(r) : name_of(&ss, len));
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	getsockname(fd, (void *)&ss, &len);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port); /* same place in both */
}

static struct sockaddr_in v4(const char *addr, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, addr, &a.sin_addr);
	return a;
}

static struct sockaddr_in6 v6(const char *addr, int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	inet_pton(AF_INET6, addr, &a.sin6_addr);
	return a;
}

static int opt(int fd, int level, int name)
{
	int v = -7;
	socklen_t len = sizeof v;
	return getsockopt(fd, level, name, &v, &len) ? -1000 - errno : v;
}

static void set(int fd, int level, int name, int v)
{
	setsockopt(fd, level, name, &v, sizeof v);
}

/* A port that nothing listens on: one the system gave and took back. */
static int closed_port(int type)
{
	int s = socket(AF_INET, type, 0);
	struct sockaddr_in a = v4("127.0.0.1", 0);
	bind(s, (void *)&a, sizeof a);
	int p = port_of(s);
	close(s);
	return p;
}

static void *writer(void *arg)
{
	int fd = (int)(long)arg;
	static unsigned char buf[65536];
	unsigned x = 1;
	for (int k = 0; k < 16; k++) {
		for (size_t i = 0; i < sizeof buf; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (unsigned char)(x >> 16);
		}
		for (size_t off = 0; off < sizeof buf;) {
			ssize_t n = write(fd, buf + off, sizeof buf - off);
			if (n <= 0)
				return NULL;
			off += (size_t)n;
		}
	}
	shutdown(fd, SHUT_WR);
	return NULL;
}

/* A connection to listener l at `at`: the accepted end, the client's in *c. */
static int connection(int l, const struct sockaddr_in *at, int *c)
{
	*c = socket(AF_INET, SOCK_STREAM, 0);
	connect(*c, (const void *)at, sizeof *at);
	return accept(l, NULL, NULL);
}

static void tcp(void)
{
	printf("-- TCP over IPv4\n");
	printf("socket(AF_INET, SOCK_STREAM, IPPROTO_UDP): %s\n",
	       res(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)));
	printf("socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP): %s\n",
	       res(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP)));
	printf("socketpair(AF_INET): %s\n", res(socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0})));
	int l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	printf("SO_TYPE %d SO_DOMAIN %d SO_PROTOCOL %d SO_ACCEPTCONN %d\n",
	       opt(l, SOL_SOCKET, SO_TYPE), opt(l, SOL_SOCKET, SO_DOMAIN),
	       opt(l, SOL_SOCKET, SO_PROTOCOL), opt(l, SOL_SOCKET, SO_ACCEPTCONN));
	printf("TCP_NODELAY %d IP_TTL %d TCP_KEEPIDLE %d TCP_KEEPINTVL %d TCP_KEEPCNT %d\n",
	       opt(l, IPPROTO_TCP, TCP_NODELAY), opt(l, IPPROTO_IP, IP_TTL),
	       opt(l, IPPROTO_TCP, TCP_KEEPIDLE), opt(l, IPPROTO_TCP, TCP_KEEPINTVL),
	       opt(l, IPPROTO_TCP, TCP_KEEPCNT));
	set(l, IPPROTO_TCP, TCP_NODELAY, 1);
	set(l, IPPROTO_TCP, TCP_KEEPIDLE, 30);
	printf("after setting: TCP_NODELAY %d TCP_KEEPIDLE %d; IPV6_V6ONLY on IPv4: %d\n",
	       opt(l, IPPROTO_TCP, TCP_NODELAY), opt(l, IPPROTO_TCP, TCP_KEEPIDLE),
	       opt(l, IPPROTO_IPV6, IPV6_V6ONLY));
	int tos = 0xff, ttl = 0;
	setsockopt(l, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
	printf("IP_TOS 0xff reads %#x; IP_TTL of 1 byte: %s, ", opt(l, IPPROTO_IP, IP_TOS),
	       res(setsockopt(l, IPPROTO_IP, IP_TTL, &(unsigned char){9}, 1)));
	printf("reads %d; IP_TTL 0: %s; ", opt(l, IPPROTO_IP, IP_TTL),
	       res(setsockopt(l, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl)));
	ttl = -1;
	setsockopt(l, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
	printf("-1 reads %d\n", opt(l, IPPROTO_IP, IP_TTL));
	printf("TCP_USER_TIMEOUT %d; TCP_KEEPCNT 0: %s; level 99: get %d, set %s; UDP_CORK on TCP "
	       "%d\n",
	       opt(l, IPPROTO_TCP, TCP_USER_TIMEOUT),
	       res(setsockopt(l, IPPROTO_TCP, TCP_KEEPCNT, &(int){0}, sizeof(int))), opt(l, 99, 1),
	       res(setsockopt(l, 99, 1, &(int){1}, sizeof(int))), opt(l, IPPROTO_UDP, 1));
	show_name("unbound getsockname", l, false);
	show_name("unbound getpeername", l, true);

	struct sockaddr_in a = v4("127.0.0.1", 0);
	printf("bind, 8 bytes: %s\n", res(bind(l, (void *)&a, 8)));
	struct sockaddr_in6 six = v6("::1", 0);
	printf("bind, an IPv6 name: %s\n", res(bind(l, (void *)&six, sizeof six)));
	struct sockaddr_in far = v4("192.0.2.1", 0);
	printf("bind 192.0.2.1 (not local): %s\n", res(bind(l, (void *)&far, sizeof far)));
	printf("bind 127.0.0.1:0: %s\n", res(bind(l, (void *)&a, sizeof a)));
	server_port = port_of(l);
	show_name("bound getsockname", l, false);
	printf("bind again: %s\n", res(bind(l, (void *)&a, sizeof a)));
	printf("recv before listen: %s\n", res(recv(l, (char[4]){0}, 4, MSG_DONTWAIT)));
	printf("send before connect: %s\n", res(send(l, "x", 1, MSG_NOSIGNAL)));
	printf("accept before listen: %s\n", res(accept(l, NULL, NULL)));
	printf("listen: %s; SO_ACCEPTCONN %d\n", res(listen(l, 8)),
	       opt(l, SOL_SOCKET, SO_ACCEPTCONN));

	int d = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in same = v4("127.0.0.1", server_port);
	printf("another bind to its port: %s\n", res(bind(d, (void *)&same, sizeof same)));
	struct sockaddr_in any = v4("0.0.0.0", server_port);
	printf("bind 0.0.0.0 there: %s\n", res(bind(d, (void *)&any, sizeof any)));
	set(d, SOL_SOCKET, SO_REUSEADDR, 1);
	printf("with SO_REUSEADDR (the listener has none): %s\n",
	       res(bind(d, (void *)&same, sizeof same)));
	close(d);

	int c = socket(AF_INET, SOCK_STREAM, 0);
	printf("connect: %s\n", res(connect(c, (void *)&same, sizeof same)));
	printf("connect again: %s\n", res(connect(c, (void *)&same, sizeof same)));
	show_name("client getsockname", c, false);
	show_name("client getpeername", c, true);
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int s = accept(l, (void *)&ss, &len);
	printf("accept: %s, peer %s\n", res(s), name_of(&ss, len));
	struct sockaddr_storage cs;
	len = sizeof cs;
	getsockname(c, (void *)&cs, &len);
	printf("the peer is the client: %s\n",
	       memcmp(&cs, &ss, sizeof(struct sockaddr_in)) ? "no" : "yes");
	show_name("accepted getsockname", s, false);
	show_name("accepted getpeername", s, true);
	printf("accepted TCP_NODELAY %d (the listener's was 1)\n",
	       opt(s, IPPROTO_TCP, TCP_NODELAY));

	char buf[64] = {0};
	printf("write 5: %s; ", res(write(c, "hello", 5)));
	printf("read: %s \"%.5s\"\n", res(read(s, buf, sizeof buf)), buf);
	struct sockaddr_in elsewhere = v4("127.0.0.1", 9);
	printf("sendto another name, connected: %s\n",
	       res(sendto(s, "back", 4, 0, (void *)&elsewhere, sizeof elsewhere)));
	memset(buf, 0, sizeof buf);
	printf("recv: %s \"%s\"\n", res(recv(c, buf, sizeof buf, 0)), buf);
	printf("recv, none waiting: %s\n", res(recv(c, buf, sizeof buf, MSG_DONTWAIT)));
	printf("FIONREAD-less peek after write: ");
	write(s, "abc", 3);
	memset(buf, 0, sizeof buf);
	printf("%s \"%s\"; ", res(recv(c, buf, sizeof buf, MSG_PEEK)), buf);
	memset(buf, 0, sizeof buf);
	printf("then %s \"%s\"\n", res(recv(c, buf, sizeof buf, 0)), buf);

	/* a megabyte from a thread, as it comes */
	pthread_t t;
	pthread_create(&t, NULL, writer, (void *)(long)s);
	unsigned long sum = 0, total = 0;
	unsigned char big[10000];
	for (;;) {
		ssize_t n = read(c, big, sizeof big);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + big[i];
		total += (unsigned long)n;
	}
	pthread_join(t, NULL);
	printf("a thread's megabyte: %lu bytes, sum %lx\n", total, sum);
	printf("after the peer's SHUT_WR: read %s; write %s\n", res_value(read(c, buf, 4)),
	       res_value(write(c, "still", 5)));
	printf("the writer writes: %s\n", res_value(write(s, "more", 4)));
	memset(buf, 0, sizeof buf);
	printf("the writer still reads: %s \"%s\"\n", res(read(s, buf, sizeof buf)), buf);

	close(c);
	close(s);

	/* the ends of a connection */
	s = connection(l, &same, &c);
	close(c);
	printf("the client closed: read %s\n", res_value(read(s, buf, sizeof buf)));
	printf("write after the peer closed: %s", res_value(write(s, "lost", 4)));
	usleep(20000);
	show_name(", then getpeername", s, true);
	struct pollfd p = {s, POLLIN | POLLOUT | POLLRDHUP, 0};
	printf("poll %d revents %#x; ", poll(&p, 1, 0), p.revents);
	printf("write again: %s", res_value(write(s, "lost", 4)));
	printf(", read then: %s\n", res_value(read(s, buf, sizeof buf)));
	close(s);

	s = connection(l, &same, &c);
	close(c);
	printf("the client closed, the server writes first: %s", res_value(write(s, "lost", 4)));
	usleep(20000);
	printf(", read %s", res_value(read(s, buf, sizeof buf)));
	printf(", read %s", res_value(read(s, buf, sizeof buf)));
	printf(", write %s\n", res_value(write(s, "lost", 4)));
	close(s);

	s = connection(l, &same, &c);
	shutdown(c, SHUT_WR);
	write(s, "unread", 6);
	close(c);
	usleep(20000);
	printf("the client shut its writing, then closed with bytes unread: read %s",
	       res_value(read(s, buf, sizeof buf)));
	printf(", write %s", res_value(write(s, "x", 1)));
	printf(", write %s\n", res_value(write(s, "x", 1)));
	close(s);

	s = connection(l, &same, &c);
	write(c, "unread", 6);
	close(s);
	usleep(20000);
	show_name("the server closed with bytes unread: getpeername", c, true);
	printf("read %s", res_value(read(c, buf, sizeof buf)));
	printf(", again %s", res_value(read(c, buf, sizeof buf)));
	printf(", write %s\n", res_value(write(c, "x", 1)));
	close(c);

	s = connection(l, &same, &c);
	write(c, "unread", 6);
	close(s);
	usleep(20000);
	printf("the same, the client writes first: %s", res_value(write(c, "x", 1)));
	printf(", again %s", res_value(write(c, "x", 1)));
	printf(", read %s\n", res_value(read(c, buf, sizeof buf)));
	close(c);

	s = connection(l, &same, &c);
	close(c);
	usleep(20000);
	printf("the client closed, writes of 0, 1, 1 bytes: %s", res_value(write(s, "", 0)));
	printf(", %s", res_value(write(s, "x", 1)));
	usleep(20000);
	printf(", %s\n", res_value(write(s, "x", 1)));
	close(s);

	s = connection(l, &same, &c);
	shutdown(c, SHUT_WR);
	read(s, buf, sizeof buf);
	shutdown(s, SHUT_WR);
	read(c, buf, sizeof buf);
	show_name("both ends shut their writing: getpeername", c, true);
	printf("shutdown again: %s\n", res(shutdown(c, SHUT_RDWR)));
	close(c);
	close(s);

	s = connection(l, &same, &c);
	struct sockaddr_in unspec4 = {.sin_family = AF_UNSPEC};
	printf("connect AF_UNSPEC, connected: %s; SO_ERROR %d; ",
	       res(connect(c, (void *)&unspec4, sizeof unspec4)), opt(c, SOL_SOCKET, SO_ERROR));
	show_name("getsockname", c, false);
	usleep(20000);
	printf("the peer reads %s\n", res_value(read(s, buf, sizeof buf)));
	close(c);
	close(s);

	s = connection(l, &same, &c);
	close(s);
	usleep(20000);
	printf("connect AF_UNSPEC after the peer closed: %s; SO_ERROR %d\n",
	       res(connect(c, (void *)&unspec4, sizeof unspec4)), opt(c, SOL_SOCKET, SO_ERROR));
	close(c);

	s = connection(l, &same, &c);
	struct linger abort_it = {1, 0};
	setsockopt(s, SOL_SOCKET, SO_LINGER, &abort_it, sizeof abort_it);
	close(s);
	printf("the server closed with SO_LINGER 0: read %s", res_value(read(c, buf, sizeof buf)));
	printf(", again %s\n", res_value(read(c, buf, sizeof buf)));
	close(c);

	c = socket(AF_INET, SOCK_STREAM, 0);
	printf("shutdown unconnected: %s\n", res(shutdown(c, SHUT_RDWR)));
	int refused = closed_port(SOCK_STREAM);
	struct sockaddr_in nobody = v4("127.0.0.1", refused);
	printf("connect to a closed port: %s; ", res(connect(c, (void *)&nobody, sizeof nobody)));
	show_name("getsockname", c, false);
	close(c);

	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r = connect(c, (void *)&nobody, sizeof nobody);
	printf("non-blocking, to a closed port: %s", res(r));
	p = (struct pollfd){c, POLLIN | POLLOUT, 0};
	printf("; poll %d revents %#x; SO_ERROR %d; ", poll(&p, 1, 1000), p.revents,
	       opt(c, SOL_SOCKET, SO_ERROR));
	show_name("getsockname", c, false);
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(c, (void *)&nobody, sizeof nobody);
	p = (struct pollfd){c, POLLOUT, 0};
	poll(&p, 1, 1000);
	printf("refused, non-blocking, then: listen %s", res(listen(c, 1)));
	printf(", read %s", res_value(read(c, buf, sizeof buf)));
	printf(", read %s", res_value(read(c, buf, sizeof buf)));
	printf(", write %s", res_value(write(c, "x", 1)));
	printf(", connect %s", res(connect(c, (void *)&nobody, sizeof nobody)));
	printf(", connect %s\n", res(connect(c, (void *)&nobody, sizeof nobody)));
	close(c);

	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, (void *)&same, sizeof same);
	printf("non-blocking connect: %s", res(r));
	p = (struct pollfd){c, POLLOUT, 0};
	printf("; poll %d revents %#x; SO_ERROR %d; ", poll(&p, 1, 1000), p.revents,
	       opt(c, SOL_SOCKET, SO_ERROR));
	printf("connect again: %s", res(connect(c, (void *)&same, sizeof same)));
	printf(", and again: %s\n", res(connect(c, (void *)&same, sizeof same)));
	p = (struct pollfd){c, POLLOUT | POLLWRBAND, 0};
	printf("connected, poll for POLLOUT|POLLWRBAND: %d revents %#x\n", poll(&p, 1, 0),
	       p.revents);
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	printf("accept4: %s, FD_CLOEXEC %d\n", res(s), fcntl(s, F_GETFD));
	close(s);
	close(c);

	c = socket(AF_INET, SOCK_STREAM, 0);
	printf("connect to 0.0.0.0 (the loopback): %s; ",
	       res(connect(c, (void *)&any, sizeof any)));
	s = accept(l, NULL, NULL);
	show_name("its accepted getsockname", s, false);
	close(s);
	close(c);
	printf("accept, none waiting, non-blocking: ");
	fcntl(l, F_SETFL, O_NONBLOCK);
	printf("%s\n", res(accept(l, NULL, NULL)));
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&same, sizeof same);
	printf("a listener shut down with a connection queued: %s", res(shutdown(l, SHUT_RDWR)));
	printf("; accept %s", res(accept(l, NULL, NULL)));
	printf("; the client reads %s", res(read(c, buf, sizeof buf)));
	printf("; SO_ACCEPTCONN %d; listen again %s; ", opt(l, SOL_SOCKET, SO_ACCEPTCONN),
	       res(listen(l, 8)));
	show_name("its name", l, false);
	close(c);
	close(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	printf("connect after the listener closed: %s\n",
	       res(connect(c, (void *)&same, sizeof same)));
	close(c);

	l = socket(AF_INET, SOCK_STREAM, 0);
	printf("listen unbound: %s; ", res(listen(l, 1)));
	show_name("its name", l, false);
	close(l);
	l = socket(AF_INET, SOCK_STREAM, 0);
	shutdown(l, SHUT_RD);
	bind(l, (void *)&a, sizeof a);
	server_port = port_of(l);
	struct sockaddr_in here = v4("127.0.0.1", server_port);
	printf("listen after SHUT_RD: %s; ", res(listen(l, 1)));
	c = socket(AF_INET, SOCK_STREAM, 0);
	printf("connect %s; ", res(connect(c, (void *)&here, sizeof here)));
	printf("accept %s\n", res(s = accept(l, NULL, NULL)));
	close(s);
	close(c);
	close(l);
}

static void udp(void)
{
	printf("-- UDP over IPv4\n");
	int r = socket(AF_INET, SOCK_DGRAM, 0);
	printf("SO_TYPE %d SO_PROTOCOL %d\n", opt(r, SOL_SOCKET, SO_TYPE),
	       opt(r, SOL_SOCKET, SO_PROTOCOL));
	struct sockaddr_in a = v4("127.0.0.1", 0);
	bind(r, (void *)&a, sizeof a);
	server_port = port_of(r);
	struct sockaddr_in to = v4("127.0.0.1", server_port);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	show_name("sender, unbound", s, false);
	printf("send, no name: %s\n", res(send(s, "x", 1, 0)));
	printf("sendto: %s\n", res(sendto(s, "first", 5, 0, (void *)&to, sizeof to)));
	show_name("sender after sendto", s, false);
	char buf[70000];
	struct sockaddr_storage from;
	socklen_t len = sizeof from;
	memset(buf, 0, 64);
	int n = recvfrom(r, buf, sizeof buf, 0, (void *)&from, &len);
	printf("recvfrom: %s \"%s\" from %s\n", res(n), buf, name_of(&from, len));
	struct sockaddr_storage mine;
	socklen_t mlen = sizeof mine;
	getsockname(s, (void *)&mine, &mlen);
	printf("from the sender's port: %s\n",
	       ((struct sockaddr_in *)&mine)->sin_port == ((struct sockaddr_in *)&from)->sin_port
		   ? "yes"
		   : "no");
	sendto(s, "a longer message", 16, 0, (void *)&to, sizeof to);
	memset(buf, 0, 64);
	printf("recv 4 of 16: %s \"%s\"", res_value(recv(r, buf, 4, 0)), buf);
	sendto(s, "a longer message", 16, 0, (void *)&to, sizeof to);
	printf("; with MSG_TRUNC: %s\n", res_value(recv(r, buf, 4, MSG_TRUNC)));
	printf("recv, none waiting: %s\n", res(recv(r, buf, 4, MSG_DONTWAIT)));
	memset(buf, 'u', sizeof buf);
	printf("65507 bytes: %s; ", res(sendto(s, buf, 65507, 0, (void *)&to, sizeof to)));
	printf("received %s; ", res_value(recv(r, buf, sizeof buf, 0)));
	printf("65508: %s\n", res(sendto(s, buf, 65508, 0, (void *)&to, sizeof to)));
	printf("zero bytes: %s; ", res(sendto(s, buf, 0, 0, (void *)&to, sizeof to)));
	printf("received %s\n", res_value(recv(r, buf, sizeof buf, 0)));

	int c = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in mine4 = v4("127.0.0.1", 0);
	bind(c, (void *)&mine4, sizeof mine4); /* (before the closed port: never it) */
	int port = closed_port(SOCK_DGRAM);
	struct sockaddr_in nobody = v4("127.0.0.1", port);
	printf("sendto a closed port: %s\n",
	       res(sendto(s, "void", 4, 0, (void *)&nobody, sizeof nobody)));
	printf("connect to it: %s; ", res(connect(c, (void *)&nobody, sizeof nobody)));
	printf("send %s; ", res(send(c, "void", 4, 0)));
	usleep(20000);
	printf("send %s; ", res(send(c, "void", 4, 0)));
	usleep(20000);
	printf("recv %s\n", res(recv(c, buf, 4, MSG_DONTWAIT)));
	send(c, "void", 4, 0);
	usleep(20000);
	printf("with an error pending: send 65508 bytes %s", res(send(c, buf, 65508, 0)));
	printf(", sendto port 0 %s", res(sendto(c, "x", 1, 0, (void *)&mine4, sizeof mine4)));
	printf(", send %s\n", res(send(c, "void", 4, 0)));
	send(c, "void", 4, 0);
	usleep(20000);
	shutdown(c, SHUT_WR);
	printf("an error pending, then SHUT_WR: send %s", res(send(c, "void", 4, 0)));
	printf(", send %s\n", res(send(c, "void", 4, 0)));
	close(c);
	c = socket(AF_INET, SOCK_DGRAM, 0);
	bind(c, (void *)&mine4, sizeof mine4);
	connect(c, (void *)&nobody, sizeof nobody);
	printf("connected elsewhere, sendto an open port: %s",
	       res(sendto(c, "open", 4, 0, (void *)&to, sizeof to)));
	printf(", received %s", res_value(recv(r, buf, sizeof buf, MSG_DONTWAIT)));
	struct sockaddr_in other = v4("127.0.0.1", closed_port(SOCK_DGRAM));
	printf("; sendto another closed port: %s",
	       res(sendto(c, "void", 4, 0, (void *)&other, sizeof other)));
	usleep(20000);
	printf(", then recv %s\n", res(recv(c, buf, 4, MSG_DONTWAIT)));
	close(c);

	c = socket(AF_INET, SOCK_DGRAM, 0);
	connect(c, (void *)&to, sizeof to);
	show_name("connected: getpeername", c, true);
	show_name("connected: getsockname", c, false);
	printf("send connected: %s; ", res(send(c, "conn", 4, 0)));
	len = sizeof from;
	memset(buf, 0, 64);
	printf("recvfrom %s \"%s\"\n", res(recvfrom(r, buf, 64, 0, (void *)&from, &len)), buf);
	struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};
	printf("connect AF_UNSPEC: %s; ", res(connect(c, (void *)&unspec, sizeof unspec)));
	show_name("getpeername", c, true);
	close(c);

	int d = socket(AF_INET, SOCK_DGRAM, 0);
	printf("a second bind to the port: %s; ", res(bind(d, (void *)&to, sizeof to)));
	close(d);
	set(r, SOL_SOCKET, SO_REUSEADDR, 1);
	d = socket(AF_INET, SOCK_DGRAM, 0);
	set(d, SOL_SOCKET, SO_REUSEADDR, 1);
	printf("both with SO_REUSEADDR: %s\n", res(bind(d, (void *)&to, sizeof to)));
	close(d);
	close(s);
	close(r);
}

static void ipv6(void)
{
	printf("-- IPv6\n");
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	printf("IPV6_V6ONLY %d; SO_DOMAIN %d; IPV6_UNICAST_HOPS %d; level 99: get %d\n",
	       opt(l, IPPROTO_IPV6, IPV6_V6ONLY), opt(l, SOL_SOCKET, SO_DOMAIN),
	       opt(l, IPPROTO_IPV6, IPV6_UNICAST_HOPS), opt(l, 99, 1));
	show_name("unbound", l, false);
	struct sockaddr_in6 a = v6("::", 0);
	printf("bind, 16 bytes: %s\n", res(bind(l, (void *)&a, 16)));
	struct sockaddr_in four = v4("127.0.0.1", 0);
	printf("bind, an IPv4 name: %s\n", res(bind(l, (void *)&four, sizeof four)));
	struct sockaddr_in6 far = v6("2001:db8::1", 0);
	printf("bind 2001:db8::1: %s\n", res(bind(l, (void *)&far, sizeof far)));
	printf("bind [::]:0: %s\n", res(bind(l, (void *)&a, sizeof a)));
	server_port = port_of(l);
	show_name("bound", l, false);
	listen(l, 4);

	int d = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in same4 = v4("127.0.0.1", server_port);
	printf("an IPv4 bind to the port of [::]: %s\n",
	       res(bind(d, (void *)&same4, sizeof same4)));
	close(d);

	int c = socket(AF_INET, SOCK_STREAM, 0);
	printf("IPv4 connect to [::]: %s; ", res(connect(c, (void *)&same4, sizeof same4)));
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int s = accept(l, (void *)&ss, &len);
	printf("accepted from %s\n", name_of(&ss, len));
	show_name("accepted getsockname", s, false);
	write(c, "four", 4);
	char buf[16] = {0};
	printf("read %s \"%s\"\n", res(read(s, buf, sizeof buf)), buf);
	close(s);
	close(c);

	c = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 lo = v6("::1", server_port);
	printf("connect [::1]: %s; ", res(connect(c, (void *)&lo, sizeof lo)));
	show_name("client", c, false);
	len = sizeof ss;
	s = accept(l, (void *)&ss, &len);
	printf("accepted from %s\n", name_of(&ss, len));
	close(s);
	close(c);

	c = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 mapped = v6("::ffff:127.0.0.1", server_port);
	printf("connect [::ffff:127.0.0.1]: %s; ", res(connect(c, (void *)&mapped, sizeof mapped)));
	show_name("client", c, false);
	s = accept(l, NULL, NULL);
	close(s);
	close(c);
	close(l);

	l = socket(AF_INET6, SOCK_STREAM, 0);
	set(l, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	printf("IPV6_V6ONLY set: %d; ", opt(l, IPPROTO_IPV6, IPV6_V6ONLY));
	bind(l, (void *)&a, sizeof a);
	server_port = port_of(l);
	listen(l, 4);
	same4 = v4("127.0.0.1", server_port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	printf("IPv4 connect: %s; ", res(connect(c, (void *)&same4, sizeof same4)));
	close(c);
	d = socket(AF_INET, SOCK_STREAM, 0);
	printf("IPv4 bind to its port: %s\n", res(bind(d, (void *)&same4, sizeof same4)));
	close(d);
	close(l);

	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 ua = v6("::1", 0);
	bind(u, (void *)&ua, sizeof ua);
	server_port = port_of(u);
	int v = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 to = v6("::1", server_port);
	printf("UDP over IPv6: sendto %s; ", res(sendto(v, "six", 3, 0, (void *)&to, sizeof to)));
	len = sizeof ss;
	memset(buf, 0, sizeof buf);
	printf("recvfrom %s \"%s\" from %s\n",
	       res(recvfrom(u, buf, sizeof buf, 0, (void *)&ss, &len)), buf, name_of(&ss, len));
	close(u);

	u = socket(AF_INET6, SOCK_DGRAM, 0);
	bind(u, (void *)&ua, sizeof ua);
	struct sockaddr_in six2four = v4("127.0.0.1", 9);
	printf("IPv6 UDP bound to ::1: IPV6_V6ONLY %d, sendto an IPv4 name %s, connect %s\n",
	       opt(u, IPPROTO_IPV6, IPV6_V6ONLY),
	       res(sendto(u, "x", 1, 0, (void *)&six2four, sizeof six2four)),
	       res(connect(u, (void *)&six2four, sizeof six2four)));
	close(u);
	u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 any4 = v6("::ffff:0.0.0.0", 0), to6 = v6("::1", 9);
	bind(u, (void *)&any4, sizeof any4);
	printf("IPv6 UDP bound to ::ffff:0.0.0.0: sendto ::1 %s, connect %s\n",
	       res(sendto(u, "x", 1, 0, (void *)&to6, sizeof to6)),
	       res(connect(u, (void *)&to6, sizeof to6)));
	close(u);

	/* an IPv6 UDP socket sends to and connects to IPv4 names too */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	bind(u, (void *)&(struct sockaddr_in){AF_INET, 0, {htonl(INADDR_LOOPBACK)}, {0}},
	     sizeof(struct sockaddr_in));
	server_port = port_of(u);
	struct sockaddr_in to4 = v4("127.0.0.1", server_port);
	printf("IPv6 UDP to an IPv4 name: sendto %s; ",
	       res(sendto(v, "four", 4, 0, (void *)&to4, sizeof to4)));
	len = sizeof ss;
	memset(buf, 0, sizeof buf);
	printf("recvfrom %s \"%s\" from %s; ",
	       res(recvfrom(u, buf, sizeof buf, 0, (void *)&ss, &len)), buf, name_of(&ss, len));
	printf("connect %s; ", res(connect(v, (void *)&to4, sizeof to4)));
	show_name("getpeername", v, true);
	struct sockaddr_in6 none = {.sin6_family = AF_UNSPEC};
	printf("sendto AF_UNSPEC: %s\n", res(sendto(v, "x", 1, 0, (void *)&none, sizeof none)));
	close(u);
	close(v);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN); /* EPIPE is what is looked at */
	tcp();
	udp();
	ipv6();
	return 0;
}
