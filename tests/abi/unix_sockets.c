/* Unix domain sockets were ENOSYS: socketpair between threads, and named
 * sockets (a path, or the abstract namespace) for a server thread and its
 * clients. Streams, datagrams and sequenced packets; send and receive
 * flags (MSG_PEEK, MSG_WAITALL, MSG_TRUNC, MSG_DONTWAIT, MSG_NOSIGNAL);
 * shutdown and the end of a stream; EPIPE; names, options, FIONREAD and
 * poll; a megabyte between two threads; Linux's errors. Compared with
 * Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "result_name.h"

static void pair_stream(void)
{
	int sv[2];
	printf("socketpair stream %s\n", res(socketpair(AF_UNIX, SOCK_STREAM, 0, sv)));
	struct stat st;
	fstat(sv[0], &st);
	printf("S_ISSOCK %d, lseek %s\n", S_ISSOCK(st.st_mode), res(lseek(sv[0], 0, SEEK_SET)));
	printf("write %s\n", res_value(write(sv[0], "hello", 5)));
	int n = 0;
	ioctl(sv[1], FIONREAD, &n);
	printf("FIONREAD %d\n", n);
	char buf[64] = {0};
	printf("peek %s \"%.5s\"\n", res_value(recv(sv[1], buf, sizeof buf, MSG_PEEK)), buf);
	memset(buf, 0, sizeof buf);
	printf("read 3 %s \"%s\"\n", res_value(read(sv[1], buf, 3)), buf);
	printf("send 2 more %s\n", res_value(send(sv[0], "!!", 2, 0)));
	memset(buf, 0, sizeof buf);
	printf("read the rest %s \"%s\"\n", res_value(recv(sv[1], buf, sizeof buf, 0)), buf);
	printf("empty, MSG_DONTWAIT %s\n", res_value(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT)));
	struct pollfd pf[2] = {{sv[0], POLLIN | POLLOUT, 0}, {sv[1], POLLIN | POLLOUT, 0}};
	poll(pf, 2, 0);
	printf("poll %#x %#x\n", pf[0].revents, pf[1].revents);
	printf("shutdown bad how %s\n", res(shutdown(sv[0], 7)));
	printf("shutdown WR %s\n", res(shutdown(sv[0], SHUT_WR)));
	printf("read after the peer's SHUT_WR %s\n", res_value(read(sv[1], buf, sizeof buf)));
	printf("write after SHUT_WR %s\n", res_value(send(sv[0], "x", 1, MSG_NOSIGNAL)));
	printf("the other way still works %s\n", res_value(write(sv[1], "back", 4)));
	printf("read it %s\n", res_value(read(sv[0], buf, sizeof buf)));
	poll(pf, 2, 0);
	printf("poll %#x %#x\n", pf[0].revents, pf[1].revents);
	close(sv[0]);
	poll(pf + 1, 1, 0);
	printf("peer closed: poll %#x\n", pf[1].revents);
	printf("write to a closed peer %s\n", res_value(send(sv[1], "x", 1, MSG_NOSIGNAL)));
	signal(SIGPIPE, SIG_IGN);
	printf("write(), SIGPIPE ignored %s\n", res_value(write(sv[1], "x", 1)));
	close(sv[1]);
}

static void pair_messages(void)
{
	int d[2], q[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, q);
	send(d[0], "first", 5, 0);
	send(d[0], "second!", 7, 0);
	send(d[0], "", 0, 0);
	char buf[64] = {0};
	int n = 0;
	ioctl(d[1], FIONREAD, &n);
	printf("dgram FIONREAD %d\n", n);
	printf("dgram 1 %s \"%s\"\n", res_value(recv(d[1], buf, sizeof buf, 0)), buf);
	memset(buf, 0, sizeof buf);
	struct iovec iov = {buf, 3};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	printf("dgram 2 into 3 bytes %s \"%s\" MSG_TRUNC %d\n", res_value(recvmsg(d[1], &m, 0)),
	       buf, !!(m.msg_flags & MSG_TRUNC));
	printf("dgram 3, empty %s\n", res_value(recv(d[1], buf, sizeof buf, 0)));
	send(d[0], "0123456789", 10, 0);
	printf("MSG_TRUNC gives the length %s\n", res_value(recv(d[1], buf, 4, MSG_TRUNC)));
	printf("dgram empty, MSG_DONTWAIT %s\n", res_value(recv(d[1], buf, 4, MSG_DONTWAIT)));
	int big = 300000;
	static char huge[300000];
	printf("dgram larger than the buffer %s\n", res_value(send(d[0], huge, big, 0)));

	send(q[0], "one", 3, 0);
	send(q[0], "two", 3, 0);
	memset(buf, 0, sizeof buf);
	printf("seqpacket %s \"%s\"", res_value(recv(q[1], buf, sizeof buf, 0)), buf);
	printf(" %s \"%s\"\n", res_value(recv(q[1], buf, sizeof buf, 0)), buf);
	printf("seqpacket empty, non-blocking %s\n", res_value(recv(q[1], buf, sizeof buf, 0)));
	close(q[0]);
	printf("seqpacket, peer closed %s\n", res_value(recv(q[1], buf, sizeof buf, 0)));
	printf("FD_CLOEXEC %d, O_NONBLOCK %d\n", fcntl(q[1], F_GETFD) & FD_CLOEXEC,
	       !!(fcntl(q[1], F_GETFL) & O_NONBLOCK));
	close(q[1]);
	close(d[0]);
	printf("dgram, peer closed: send %s\n", res_value(send(d[1], "x", 1, 0)));
	close(d[1]);
}

static void names_and_options(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct sockaddr_un a;
	socklen_t len = sizeof a;
	memset(&a, 0xff, sizeof a);
	printf("getsockname of a pair %s len %u family %d\n",
	       res(getsockname(sv[0], (struct sockaddr *)&a, &len)), len, a.sun_family);
	len = sizeof a;
	printf("getpeername of a pair %s len %u\n",
	       res(getpeername(sv[0], (struct sockaddr *)&a, &len)), len);
	int v = -1;
	socklen_t vl = sizeof v;
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &vl);
	printf("SO_TYPE %d", v);
	getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &vl);
	printf(" SO_DOMAIN %d", v);
	getsockopt(sv[0], SOL_SOCKET, SO_PROTOCOL, &v, &vl);
	printf(" SO_PROTOCOL %d", v);
	getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &vl);
	printf(" SO_ERROR %d", v);
	getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf(" SO_ACCEPTCONN %d\n", v);
	struct ucred cr;
	socklen_t cl = sizeof cr;
	getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &cl);
	printf("SO_PEERCRED pid is ours %d uid %d len %u\n", cr.pid == getpid(), cr.uid, cl);
	v = 5000;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &vl);
	printf("SO_SNDBUF 5000 reads back doubled %d\n", v);
	printf("unknown option %s\n", res(getsockopt(sv[0], SOL_SOCKET, 9999, &v, &vl)));
	printf("option at level IPPROTO_TCP %s\n", res(getsockopt(sv[0], 6, 1, &v, &vl)));
	struct timeval tv = {0, 20000};
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char c;
	printf("SO_RCVTIMEO 20 ms %s\n", res_value(read(sv[1], &c, 1)));
	tv.tv_usec = 1000000;
	printf("SO_RCVTIMEO bad usec %s\n",
	       res(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)));
	printf("sendto with a name on a stream %s\n",
	       res(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&(struct sockaddr_un){AF_UNIX, "/x"},
			  sizeof(struct sockaddr_un))));
	printf("not a socket %s, bad fd %s\n", res(shutdown(0, SHUT_RD)),
	       res(shutdown(999, SHUT_RD)));
	close(sv[0]);
	close(sv[1]);

	printf("socket bad type %s\n", res(socket(AF_UNIX, 9, 0)));
	printf("socket bad flags %s\n", res(socket(AF_UNIX, SOCK_STREAM | 0x100, 0)));
	printf("socket bad protocol %s\n", res(socket(AF_UNIX, SOCK_STREAM, 7)));
	printf("socket SOCK_RAW is a datagram one %s\n", res(socket(AF_UNIX, SOCK_RAW, 0)));
	printf("socketpair AF_INET %s\n", res(socketpair(AF_INET, SOCK_STREAM, 0, sv)));
	printf("socketpair bad pointer %s\n", res(socketpair(AF_UNIX, SOCK_STREAM, 0, (int *)8)));
}

static const char *path = "/tmp/unix_sockets_test";

static void *client(void *arg)
{
	usleep(20000);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {AF_UNIX};
	strcpy(a.sun_path, path);
	if (connect(c, (struct sockaddr *)&a, sizeof a))
		printf("client connect %s\n", errno_name());
	/* a megabyte, then the end */
	static unsigned char big[1 << 20];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 9));
	size_t off = 0;
	while (off < sizeof big) {
		ssize_t n = write(c, big + off, sizeof big - off);
		if (n <= 0)
			break;
		off += n;
	}
	char reply[8] = {0};
	shutdown(c, SHUT_WR);
	read(c, reply, sizeof reply);
	printf("client got \"%s\"\n", reply);
	close(c);
	return arg;
}

static void named(void)
{
	unlink(path);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {AF_UNIX};
	strcpy(a.sun_path, path);
	printf("listen before bind %s\n", res(listen(l, 5)));
	printf("bind %s\n", res(bind(l, (struct sockaddr *)&a, sizeof a)));
	struct stat st;
	printf("the socket file: %s, S_ISSOCK %d\n", res(stat(path, &st)), S_ISSOCK(st.st_mode));
	printf("open it %s\n", res(open(path, O_RDONLY)));
	printf("bind again %s\n", res(bind(l, (struct sockaddr *)&a, sizeof a)));
	int other = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("bind the same path %s\n", res(bind(other, (struct sockaddr *)&a, sizeof a)));
	printf("connect before listen %s\n", res(connect(other, (struct sockaddr *)&a, sizeof a)));
	printf("listen %s\n", res(listen(l, 5)));
	int v;
	socklen_t vl = sizeof v;
	getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("SO_ACCEPTCONN %d\n", v);
	fcntl(l, F_SETFL, O_NONBLOCK);
	printf("accept, none waiting %s\n", res(accept(l, NULL, NULL)));
	fcntl(l, F_SETFL, 0);
	pthread_t t;
	pthread_create(&t, NULL, client, NULL);
	struct sockaddr_un peer;
	socklen_t pl = sizeof peer;
	int s = accept4(l, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
	printf("accept4 %s, peer name length %u\n", s >= 0 ? "ok" : errno_name(), pl);
	struct sockaddr_un me;
	socklen_t ml = sizeof me;
	getsockname(s, (struct sockaddr *)&me, &ml);
	printf("accepted socket's name %s (len %u)\n", me.sun_path, ml);
	unsigned long sum = 0, total = 0;
	unsigned char buf[4096];
	ssize_t n;
	while ((n = read(s, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + buf[i];
		total += n;
	}
	printf("server read %lu bytes, checksum %lx, then %s\n", total, sum, res_value(n));
	write(s, "thanks", 6);
	pthread_join(t, NULL);
	close(s);
	close(l);
	printf("connect after the listener closed %s\n",
	       res(connect(other, (struct sockaddr *)&a, sizeof a)));
	unlink(path);
	printf("connect to no such path %s\n",
	       res(connect(other, (struct sockaddr *)&a, sizeof a)));
	close(other);

	/* datagrams to a name, from a name */
	int srv = socket(AF_UNIX, SOCK_DGRAM, 0), cli = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un sa = {AF_UNIX}, ca = {AF_UNIX};
	memcpy(sa.sun_path, "\0server-name", 12); /* abstract */
	socklen_t slen = offsetof(struct sockaddr_un, sun_path) + 12;
	memcpy(ca.sun_path, "\0client-name", 12);
	printf("bind abstract %s", res(bind(srv, (struct sockaddr *)&sa, slen)));
	printf(", again %s\n", res(bind(cli, (struct sockaddr *)&sa, slen)));
	bind(cli, (struct sockaddr *)&ca, slen);
	printf("sendto %s\n", res_value(sendto(cli, "ping", 4, 0, (struct sockaddr *)&sa, slen)));
	struct sockaddr_un from;
	socklen_t fl = sizeof from;
	char msg[16] = {0};
	printf("recvfrom %s \"%s\" from %s (len %u)\n",
	       res_value(recvfrom(srv, msg, sizeof msg, 0, (struct sockaddr *)&from, &fl)), msg,
	       from.sun_path + 1, fl);
	int stream = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("connect a stream to a datagram socket %s\n",
	       res(connect(stream, (struct sockaddr *)&sa, slen)));
	printf("connect dgram %s, send %s\n", res(connect(cli, (struct sockaddr *)&sa, slen)),
	       res_value(send(cli, "pong", 4, 0)));
	fl = sizeof from;
	memset(msg, 0, sizeof msg);
	recvfrom(srv, msg, sizeof msg, 0, (struct sockaddr *)&from, &fl);
	printf("got \"%s\"\n", msg);
	int ep = epoll_create1(0);
	struct epoll_event e = {.events = EPOLLIN, .data.u64 = 9};
	epoll_ctl(ep, EPOLL_CTL_ADD, srv, &e);
	printf("epoll, nothing %d\n", epoll_wait(ep, &e, 1, 0));
	send(cli, "x", 1, 0);
	printf("epoll after a send %d\n", epoll_wait(ep, &e, 1, 0));
	close(ep);
	close(stream);
	close(srv);
	printf("send, the named peer closed %s\n", res_value(send(cli, "y", 1, 0)));
	close(cli);
	int unnamed = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un au;
	socklen_t al = sizeof au;
	bind(unnamed, (struct sockaddr *)&(sa_family_t){AF_UNIX}, sizeof(sa_family_t));
	getsockname(unnamed, (struct sockaddr *)&au, &al);
	printf("autobind: length %u, abstract %d\n", al, au.sun_path[0] == 0);
	close(unnamed);
}

static int late_fd;

static void *send_late(void *arg)
{
	usleep(30000);
	write(late_fd, "abc", 3);
	usleep(30000);
	write(late_fd, "def", 3);
	return arg;
}

static void *close_late(void *arg)
{
	usleep(30000);
	close(late_fd);
	return arg;
}

static void *shutdown_late(void *arg)
{
	usleep(30000);
	shutdown(late_fd, SHUT_RDWR);
	return arg;
}

/* What a review found: each a case Linux answers differently from a
 * first version. */
static void corners(void)
{
	int sv[2];
	pthread_t t;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	late_fd = sv[0];
	pthread_create(&t, NULL, send_late, NULL);
	char buf[16] = {0};
	printf("MSG_WAITALL over two writes %s \"%s\"\n",
	       res_value(recv(sv[1], buf, 6, MSG_WAITALL)), buf);
	pthread_join(t, NULL);
	write(sv[0], "unread", 6); /* left in sv[1]'s queue */
	close(sv[1]);
	printf("peer closed with data unread: %s, then %s\n", res_value(read(sv[0], buf, 4)),
	       res_value(read(sv[0], buf, 4)));
	close(sv[0]);

	/* a datagram sender waiting for room when its receiver closes */
	int d[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
	struct timeval tv = {5, 0};
	setsockopt(d[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	static char chunk[60000];
	int sent = 0;
	fcntl(d[0], F_SETFL, O_NONBLOCK);
	while (send(d[0], chunk, sizeof chunk, 0) > 0)
		sent++;
	fcntl(d[0], F_SETFL, 0);
	late_fd = d[1];
	pthread_create(&t, NULL, close_late, NULL);
	printf("datagrams until full: some %d; blocked send, receiver closed: %s\n", sent > 0,
	       res_value(send(d[0], chunk, sizeof chunk, 0)));
	pthread_join(t, NULL);
	close(d[0]);

	/* a listener shut down under a blocked accept; two clients of an
	 * abstract name */
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {AF_UNIX};
	memcpy(a.sun_path, "\0corner-listener", 16);
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 16;
	bind(l, (struct sockaddr *)&a, len);
	listen(l, 4);
	int c1 = socket(AF_UNIX, SOCK_STREAM, 0), c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("two connects to an abstract name: %s %s\n",
	       res(connect(c1, (struct sockaddr *)&a, len)),
	       res(connect(c2, (struct sockaddr *)&a, len)));
	int s1 = accept(l, NULL, NULL), s2 = accept(l, NULL, NULL);
	printf("both accepted %d\n", s1 >= 0 && s2 >= 0);
	late_fd = l;
	pthread_create(&t, NULL, shutdown_late, NULL);
	printf("accept, listener shut down meanwhile: %s\n", res(accept(l, NULL, NULL)));
	pthread_join(t, NULL);
	struct pollfd lp = {l, POLLIN, 0};
	printf("poll on the shut-down listener %d %#x\n", poll(&lp, 1, 0), lp.revents);
	int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("connect to a shut-down listener %s\n",
	       res(connect(c3, (struct sockaddr *)&a, len)));
	printf("connect with the family alone %s\n",
	       res(connect(c3, (struct sockaddr *)&(sa_family_t){AF_UNIX}, sizeof(sa_family_t))));
	socklen_t gl = 0;
	printf("getsockname with no room %s, length %u\n", res(getsockname(c3, NULL, &gl)), gl);
	struct linger lg = {1, 7}, back;
	socklen_t bl = sizeof back;
	setsockopt(c3, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	getsockopt(c3, SOL_SOCKET, SO_LINGER, &back, &bl);
	printf("SO_LINGER %d %d\n", back.l_onoff, back.l_linger);
	printf("socket type 12 %s\n", res(socket(AF_UNIX, 12, 0)));
	close(c1), close(c2), close(c3), close(s1), close(s2), close(l);

	/* a connection queued before SHUT_RD is still accepted */
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(a.sun_path, "\0corner-listener2", 17);
	len = offsetof(struct sockaddr_un, sun_path) + 17;
	bind(l, (struct sockaddr *)&a, len);
	listen(l, 4);
	c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c1, (struct sockaddr *)&a, len);
	shutdown(l, SHUT_RD);
	s1 = accept(l, NULL, NULL);
	printf("accept after SHUT_RD, one queued: %s, then %s\n", s1 >= 0 ? "ok" : errno_name(),
	       res(accept(l, NULL, NULL)));
	close(s1), close(c1), close(l);
}

int main(void)
{
	pair_stream();
	pair_messages();
	names_and_options();
	named();
	corners();
	return 0;
}
