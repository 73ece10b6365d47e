/* Control messages on Unix domain sockets, against Linux: SCM_RIGHTS
 * passing files (one open file, shared offset; several in one or two
 * messages; pipes and O_PATH descriptors; MSG_CMSG_CLOEXEC; too little
 * room: MSG_CTRUNC and the rest closed; MSG_PEEK; a stream read that stops
 * after the bytes that carried files; datagrams), SCM_CREDENTIALS sent and
 * received with SO_PASSCRED, and sendmsg's checks in Linux's order. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "result_name.h"

#define FILE_PATH "/tmp/unix_scm.dat"

static char ctl[4096] __attribute__((aligned(8)));

/* Send data with the control messages built in ctl (clen bytes). */
static long send_ctl(int s, const char *data, size_t clen)
{
	struct iovec v = {(void *)data, strlen(data)};
	struct msghdr m = {.msg_iov = &v,
			   .msg_iovlen = 1,
			   .msg_control = clen ? ctl : NULL,
			   .msg_controllen = clen};
	return sendmsg(s, &m, 0);
}

/* A control message at offset off of ctl: its total space. */
static size_t put(size_t off, int level, int type, const void *data, size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)(ctl + off);
	c->cmsg_len = CMSG_LEN(len);
	c->cmsg_level = level;
	c->cmsg_type = type;
	memcpy(CMSG_DATA(c), data, len);
	return CMSG_SPACE(len);
}

static long send_fds(int s, const char *data, const int *fds, int n)
{
	return send_ctl(s, data, put(0, SOL_SOCKET, SCM_RIGHTS, fds, n * sizeof(int)));
}

/* Receive into buf with a control buffer of room bytes (-1: none); the
 * files received into got[], their count returned in *n; prints a line. */
static char buf[256];
static int got[300], ngot;
static struct ucred cred;
static int has_cred;

static long recv_ctl(int s, int room, int flags, const char *what)
{
	static char in[4096] __attribute__((aligned(8)));
	struct iovec v = {buf, sizeof buf - 1};
	struct msghdr m = {.msg_iov = &v,
			   .msg_iovlen = 1,
			   .msg_control = room < 0 ? NULL : in,
			   .msg_controllen = room < 0 ? 0 : (size_t)room};
	memset(buf, 0, sizeof buf);
	memset(in, 0xee, sizeof in);
	ngot = 0;
	has_cred = 0;
	long r = recvmsg(s, &m, flags);
	if (r < 0) {
		printf("%s: %s\n", what, res_value(r));
		return r;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
				memcpy(&got[ngot++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof cred)) {
			memcpy(&cred, CMSG_DATA(c), sizeof cred);
			has_cred = 1;
		}
	}
	printf("%s: %s \"%s\", files %d, controllen %zu, msg_flags %#x\n", what, res_value(r), buf,
	       ngot, m.msg_controllen, m.msg_flags);
	return r;
}

/* The lowest descriptor free now. */
static int lowest_free(void)
{
	int fd = dup(0);
	close(fd);
	return fd;
}

static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void rights(void)
{
	int sv[2], file = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600), p[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(file, "hello, world", 12);
	lseek(file, 7, SEEK_SET);

	int expect = lowest_free();
	printf("send a file: %s\n", res_value(send_fds(sv[0], "x", &file, 1)));
	recv_ctl(sv[1], 100, 0, "received");
	char rd[8] = {0};
	printf("  the lowest free descriptor: %d, reads \"%s\" (the offset is shared)\n",
	       ngot == 1 && got[0] == expect, read(got[0], rd, 5) == 5 ? rd : "?");
	printf("  the sender's offset moved: %ld, FD_CLOEXEC %d\n", (long)lseek(file, 0, SEEK_CUR),
	       fcntl(got[0], F_GETFD));
	close(got[0]);

	pipe(p);
	int path = open(FILE_PATH, O_PATH), three[3] = {p[0], p[1], path};
	printf("send a pipe's ends and an O_PATH: %s\n", res_value(send_fds(sv[0], "y", three, 3)));
	recv_ctl(sv[1], 100, MSG_CMSG_CLOEXEC, "received, MSG_CMSG_CLOEXEC");
	struct stat st;
	printf("  write through one, read through the other: %d, FD_CLOEXEC %d, O_PATH kept %d\n",
	       write(got[1], "pp", 2) == 2 && read(got[0], rd, 2) == 2,
	       fcntl(got[0], F_GETFD) & FD_CLOEXEC,
	       (fcntl(got[2], F_GETFL) & O_PATH) && fstat(got[2], &st) == 0);
	for (int i = 0; i < ngot; i++)
		close(got[i]);

	size_t n = put(0, SOL_SOCKET, SCM_RIGHTS, three, 2 * sizeof(int));
	n += put(n, SOL_SOCKET, SCM_RIGHTS, &path, sizeof(int));
	printf("two SCM_RIGHTS in one message: %s\n", res_value(send_ctl(sv[0], "z", n)));
	recv_ctl(sv[1], 100, 0, "received");
	for (int i = 0; i < ngot; i++)
		close(got[i]);

	printf("three files, room for two: %s\n", res_value(send_fds(sv[0], "t", three, 3)));
	int before = lowest_free();
	recv_ctl(sv[1], CMSG_SPACE(sizeof(int)), 0, "received");
	close(got[0]);
	close(got[1]);
	printf("  the other closed: %d\n", lowest_free() == before);
	printf("one file, no control buffer: %s\n", res_value(send_fds(sv[0], "u", &file, 1)));
	before = lowest_free();
	recv_ctl(sv[1], -1, 0, "received");
	printf("  none installed: %d\n", lowest_free() == before);
	printf("one file, a buffer of 10 bytes: %s\n", res_value(send_fds(sv[0], "v", &file, 1)));
	recv_ctl(sv[1], 10, 0, "received");
	printf("one file, read(): %s\n", res_value(send_fds(sv[0], "w", &file, 1)));
	before = lowest_free();
	printf("  read %s, none installed %d\n", res_value(read(sv[1], rd, 8)),
	       lowest_free() == before);

	printf("peek at a file: %s\n", res_value(send_fds(sv[0], "pk", &file, 1)));
	recv_ctl(sv[1], 100, MSG_PEEK, "peeked");
	int peeked = got[0];
	recv_ctl(sv[1], 100, 0, "received");
	printf("  two descriptors: %d\n", ngot == 1 && got[0] != peeked && is_open(peeked));
	close(peeked);
	close(got[0]);

	send(sv[0], "ab", 2, 0);
	send_fds(sv[0], "cd", &file, 1);
	send(sv[0], "ef", 2, 0);
	recv_ctl(sv[1], 100, 0, "a read across bytes, bytes with a file, bytes");
	close(got[0]);
	recv_ctl(sv[1], 100, 0, "then");

	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	printf("no bytes with a file (stream): %s\n", res_value(send_fds(sv[0], "", &file, 1)));
	recv_ctl(sv[1], 100, 0, "then");

	int dg[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, dg);
	printf("datagram with a file: %s\n", res_value(send_fds(dg[0], "dgram", &file, 1)));
	printf("datagram, no bytes: %s\n", res_value(send_fds(dg[0], "", &file, 1)));
	recv_ctl(dg[1], 100, 0, "received");
	close(got[0]);
	recv_ctl(dg[1], 100, 0, "received");
	close(got[0]);
	close(dg[0]);
	close(dg[1]);

	int bad = 99;
	printf("a bad descriptor: %s\n", res_value(send_fds(sv[0], "b", &bad, 1)));
	printf("a closed one after a good one: %s\n",
	       res_value(send_fds(sv[0], "b", (int[]){file, 98}, 2)));
	int many[254];
	for (int i = 0; i < 254; i++)
		many[i] = file;
	printf("253 files: %s\n", res_value(send_fds(sv[0], "m", many, 253)));
	recv_ctl(sv[1], sizeof ctl, 0, "received");
	for (int i = 0; i < ngot; i++)
		close(got[i]);
	printf("254 files: %s\n", res_value(send_fds(sv[0], "m", many, 254)));
	n = put(0, SOL_SOCKET, SCM_RIGHTS, many, 200 * sizeof(int));
	n += put(n, SOL_SOCKET, SCM_RIGHTS, many, 60 * sizeof(int));
	printf("200 and 60 in two messages: %s\n", res_value(send_ctl(sv[0], "m", n)));
	n = put(0, SOL_SOCKET, SCM_RIGHTS, &file, sizeof(int));
	((struct cmsghdr *)ctl)->cmsg_len = 200;
	printf("a length past the buffer: %s\n", res_value(send_ctl(sv[0], "l", n)));
	((struct cmsghdr *)ctl)->cmsg_len = 8;
	printf("a length below a header: %s\n", res_value(send_ctl(sv[0], "l", n)));
	printf("a buffer smaller than a header: %s\n", res_value(send_ctl(sv[0], "s", 8)));
	n = put(0, SOL_SOCKET, 99, &file, sizeof(int));
	printf("an unknown type: %s\n", res_value(send_ctl(sv[0], "t", n)));
	n = put(0, 6 /* IPPROTO_TCP */, SCM_RIGHTS, &file, sizeof(int));
	printf("another level (skipped): %s\n", res_value(send_ctl(sv[0], "o", n)));
	recv_ctl(sv[1], 100, 0, "received");
	n = put(0, SOL_SOCKET, SCM_RIGHTS, &file, 0);
	printf("SCM_RIGHTS with no descriptors: %s\n", res_value(send_ctl(sv[0], "e", n)));
	recv_ctl(sv[1], 100, 0, "received");
	struct iovec v = {"f", 1};
	struct msghdr m = {
	    .msg_iov = &v, .msg_iovlen = 1, .msg_control = (void *)16, .msg_controllen = 32};
	printf("an unreadable buffer: %s\n", res_value(sendmsg(sv[0], &m, 0)));
	m.msg_control = ctl;
	m.msg_controllen = 0x80000000u;
	printf("a buffer past INT_MAX: %s\n", res_value(sendmsg(sv[0], &m, 0)));
	m.msg_iov = (struct iovec *)16;
	printf("an unreadable vector and a bad buffer: %s\n", res_value(sendmsg(sv[0], &m, 0)));
	close(sv[0]);
	close(sv[1]);
	close(file);
	close(path);
	close(p[0]);
	close(p[1]);
}

static void credentials(void)
{
	int sv[2], on = 1;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send(sv[0], "no", 2, 0);
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	recv_ctl(sv[1], 100, 0, "SO_PASSCRED, bytes sent before it (none)");
	printf("  pid %d uid %u gid %u\n", cred.pid, cred.uid, cred.gid);
	send(sv[0], "plain", 5, 0);
	recv_ctl(sv[1], 100, 0, "SO_PASSCRED, a plain send");
	printf("  pid %d uid %d gid %d\n", has_cred && cred.pid == getpid(),
	       has_cred && cred.uid == getuid(), has_cred && cred.gid == getgid());
	send(sv[0], "x", 1, 0);
	recv_ctl(sv[1], 16, 0, "room for a header only");
	send(sv[0], "x", 1, 0);
	recv_ctl(sv[1], -1, 0, "no buffer");

	struct ucred c = {getpid(), getuid(), getgid()};
	printf(
	    "SCM_CREDENTIALS, its own: %s\n",
	    res_value(send_ctl(sv[0], "own", put(0, SOL_SOCKET, SCM_CREDENTIALS, &c, sizeof c))));
	recv_ctl(sv[1], 100, 0, "received");
	c.uid = 4242;
	c.gid = 4343;
	printf(
	    "SCM_CREDENTIALS, other ids (root may): %s\n",
	    res_value(send_ctl(sv[0], "ids", put(0, SOL_SOCKET, SCM_CREDENTIALS, &c, sizeof c))));
	send(sv[0], "mine", 4, 0);
	recv_ctl(sv[1], 100, 0, "received: not glued to the next sender's bytes");
	printf("  uid %u gid %u\n", cred.uid, cred.gid);
	recv_ctl(sv[1], 100, 0, "then");
	c = (struct ucred){999999, getuid(), getgid()};
	printf("no such pid: %s\n",
	       res_value(send_ctl(sv[0], "p", put(0, SOL_SOCKET, SCM_CREDENTIALS, &c, sizeof c))));
	c = (struct ucred){getpid(), (uid_t)-1, getgid()};
	printf("uid -1: %s\n",
	       res_value(send_ctl(sv[0], "u", put(0, SOL_SOCKET, SCM_CREDENTIALS, &c, sizeof c))));
	c = (struct ucred){getpid(), getuid(), getgid()};
	printf("a short struct ucred: %s\n",
	       res_value(send_ctl(sv[0], "s", put(0, SOL_SOCKET, SCM_CREDENTIALS, &c, 8))));
	close(sv[0]);
	close(sv[1]);
}

/* A stream sender that keeps sending a byte with a file: its peer's
 * buffer fills (files count), and a non-blocking send gets EAGAIN. */
static void buffer_fills(void)
{
	int sv[2], n = 0;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	while (n < 100000 && send_fds(sv[0], "f", &sv[1], 1) == 1)
		n++;
	printf("bytes with files until the buffer is full: stopped %d, then %s\n", n < 100000,
	       errno_name());
	close(sv[0]);
	close(sv[1]);
}

/* SO_PASSCRED on a listener: the accepted socket has it, and bytes sent
 * before the accept carry the sender's credentials. A datagram sender with
 * SO_PASSCRED gets a name. A sequenced-packet socket not connected says
 * so before looking at its control messages. */
static void passcred_more(void)
{
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0), on = 1;
	struct sockaddr_un a = {AF_UNIX, "\0unix_scm_listener"};
	socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 19;
	bind(l, (struct sockaddr *)&a, alen);
	setsockopt(l, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	listen(l, 4);
	connect(c, (struct sockaddr *)&a, alen);
	send(c, "pre", 3, 0);
	int s = accept(l, NULL, NULL), v = -1;
	socklen_t vl = sizeof v;
	getsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, &vl);
	printf("accepted from a SO_PASSCRED listener: SO_PASSCRED %d\n", v);
	send(c, "post", 4, 0);
	recv_ctl(s, 100, 0, "bytes sent before the accept, and after");
	printf("  pid %d uid %d\n", has_cred && cred.pid == getpid(),
	       has_cred && cred.uid == getuid());
	recv_ctl(s, 100, MSG_DONTWAIT, "then");
	close(s);
	close(c);
	close(l);

	int d[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
	setsockopt(d[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	struct sockaddr_un name;
	socklen_t nl = sizeof name;
	getsockname(d[0], (struct sockaddr *)&name, &nl);
	printf("a datagram socket with SO_PASSCRED, before a send: name length %u\n", nl);
	send(d[0], "x", 1, 0);
	nl = sizeof name;
	getsockname(d[0], (struct sockaddr *)&name, &nl);
	printf("  after: name length %u, abstract %d\n", nl, nl > 2 && name.sun_path[0] == 0);
	close(d[0]);
	close(d[1]);

	int q = socket(AF_UNIX, SOCK_SEQPACKET, 0), bad = 99;
	printf("seqpacket, not connected, a bad file: %s\n", res(send_fds(q, "q", &bad, 1)));
	close(q);
}

/* A socket in its own queue, and two in each other's: cycles that last
 * until the process ends. */
static void cycles(void)
{
	int a[2], b[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, a);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, b);
	printf("a socket sent into its own queue: %s\n", res_value(send_fds(a[0], "c", &a[1], 1)));
	printf("each into the other's: %s %s\n", res_value(send_fds(b[0], "c", &b[1], 1)),
	       res_value(send_fds(b[1], "c", &b[0], 1)));
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	rights();
	credentials();
	buffer_fills();
	passcred_more();
	cycles();
	unlink(FILE_PATH);
	return 0;
}
