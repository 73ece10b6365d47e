/*
 * Sockets: Unix domain sockets (AF_UNIX), the sockets a program can have
 * without a network, TCP and UDP on the loopback interface, and netlink's
 * route sockets that describe it (below).
 * Unix domain sockets: socketpair between threads, and named ones, bound to a path in
 * the tree (a socket file) or in the abstract namespace, for a server
 * thread and its clients. Stream (SOCK_STREAM), datagram (SOCK_DGRAM;
 * SOCK_RAW is taken as it, as Linux) and sequenced-packet (SOCK_SEQPACKET)
 * sockets, as Linux's: bind, listen, connect (done at once, before the
 * accept, as Linux's), accept and accept4, send, sendto and sendmsg (with
 * MSG_DONTWAIT, MSG_NOSIGNAL), recv, recvfrom and recvmsg (MSG_PEEK,
 * MSG_WAITALL, MSG_TRUNC, MSG_DONTWAIT), read and write, shutdown,
 * getsockname and getpeername, the socket options programs ask for
 * (SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR, SO_ACCEPTCONN, SO_PEERCRED,
 * SO_SNDBUF and SO_RCVBUF, SO_RCVTIMEO and SO_SNDTIMEO, SO_PASSCRED,
 * SO_REUSEADDR, SO_KEEPALIVE), FIONREAD, poll and epoll, and sendmmsg and
 * recvmmsg.
 *
 * Each socket has a receive queue of chunks: a stream's bytes, or one
 * message each; a sender fills its peer's queue up to SOCK_BUF bytes and
 * then waits (EAGAIN when not blocking), a receiver waits for a chunk, both
 * on the receiving socket's waitq, as pipes do; a wait that no other thread
 * could end is a deadlock (137). A socket goes with its file's last close:
 * every pointer to it (a peer's, a connected datagram socket's, a
 * listener's queue) is cleared then, and a stream peer sees the end of the
 * stream (EPIPE for its writes).
 *
 * Control messages, as Linux's: SCM_RIGHTS passes open files (the receiver
 * gets new descriptors for them), SCM_CREDENTIALS a sender's pid, uid and
 * gid (checked; its own by default), which a receiver with SO_PASSCRED
 * gets with every message. A chunk carrying files is never appended to,
 * and a stream's read stops after it. Files sent and never received go
 * with the queue; a cycle (a socket in its own queue, or two in each
 * other's) lasts until the process ends, where unix_exit breaks it (Linux
 * has a collector for those).
 *
 * TCP and UDP sockets (AF_INET, AF_INET6) live on the loopback interface,
 * the one network there is, with the same queues and waits: what differs
 * is their names (inet.h: bound and connected to an address and a port,
 * found by inet_lookup, ports from Linux's ephemeral range) and the few
 * places where TCP and UDP behave otherwise than Unix sockets, as Linux's:
 * a TCP connection's ends (a write after the peer closed goes nowhere and
 * draws a reset; reads see the end before any error), a non-blocking
 * connect's EINPROGRESS, UDP's lost datagrams (to a port with nothing
 * bound, or a full receiver) and the ECONNREFUSED a connected socket gets
 * for one, and their options. Netlink sockets (AF_NETLINK, NETLINK_ROUTE)
 * put the kernel's answers to their requests (netlink.h) in their own
 * queue. Other families are EAFNOSUPPORT.
 */
#include "fs.h"
#include "heap.h"
#include "inet.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "netlink.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define AF_UNSPEC 0
#define AF_UNIX 1
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC
#define SOCK_TYPE_MASK 0xf

#define MSG_PEEK 0x2
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_BROADCAST 6
#define SO_LINGER 13
#define SO_RCVLOWAT 18
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

#define FIONREAD 0x541b

#define IP_TOS 1
#define IP_TTL 2
#define TCP_NODELAY 1
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define TCP_USER_TIMEOUT 18
#define IPV6_UNICAST_HOPS 16
#define IPV6_V6ONLY 26
#define UDP_MAX_V4 65507 /* a datagram's most bytes: 65535 less IPv4's and UDP's headers */
#define UDP_MAX_V6 65527 /* less UDP's header alone (IPv6's is outside the length) */

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253	 /* files in one message, as Linux */
#define OPTMEM_MAX 20480 /* the most control bytes (Linux 6.1's optmem_max) */
#define CMSG_HDR 16	 /* sizeof (struct cmsghdr): len (size_t), level, type */
#define CMSG_ALIGN(n) (((n) + 7) & ~(uint64_t)7)
#define OVERFLOW_ID 65534 /* an id that cannot be told: Linux's overflowuid */

#define SOCK_BUF 212992 /* a queue's bytes: Linux's default socket buffer */
#define DGRAM_QLEN 512	/* messages in a datagram queue */
#define SOMAXCONN 4096
#define SUN_PATH 108
#define ADDR_MAX (2 + SUN_PATH) /* sizeof (struct sockaddr_un) */

/* A name as the program gives it: sun_family, then sun_path (len counts
 * both; 0: unnamed). */
struct uaddr {
	uint32_t len;
	char bytes[ADDR_MAX + 1]; /* a path of 108 bytes gets its NUL here */
};

/* Files in flight: a message's SCM_RIGHTS, each with a reference. */
struct fdbatch {
	struct fdbatch *next; /* on the list of those to let go (doomed) */
	int n, max;
	struct file *f[];
};

/* Its size, which its receiver's buffer is charged. */
static uint32_t batch_size(const struct fdbatch *b)
{
	return b ? (uint32_t)(sizeof *b + (size_t)b->max * sizeof b->f[0]) : 0;
}

/* The sender's credentials (SCM_CREDENTIALS). */
struct creds {
	int32_t pid;
	uint32_t uid, gid;
};

struct chunk {
	struct chunk *next;
	uint32_t len, off, cap; /* bytes, those already read (a stream's), room for */
	struct uaddr from;	/* the sender's name (datagrams) */
	struct creds creds;
	struct fdbatch *fds; /* or NULL; a chunk with files takes no appending */
	uint32_t extra;	     /* the buffer bytes charged for its files */
	uint8_t data[];
};

/* Bytes a chunk costs its receiver's buffer: its data and its record, as
 * Linux counts a buffer's whole size. */
#define CHUNK_COST(n) ((uint64_t)(n) + sizeof(struct chunk))

/* What a sendmsg's control messages carry, or a receive hands over. */
struct scm {
	struct fdbatch *fds;
	struct creds creds;
	bool has_creds; /* a receive: the first chunk's */
};

enum { UNCONNECTED, LISTENING, CONNECTED };

/* What a TCP or UDP socket has besides (inet.h). Its name and peer_name
 * hold local and remote as the program sees them (inet_named). */
struct inet_part {
	struct inet_name local, remote; /* bound (port 0: not yet), connected to */
	bool port_given, addr_given;	/* by bind: kept when a connect fails or ends */
	bool fin;	     /* a stream's peer ended its writing: reads end, errors aside */
	bool reset_next;     /* the peer closed: a write goes nowhere and draws a reset */
	bool in_progress;    /* a non-blocking connect went through: the next one says 0 */
	bool connect_failed; /* a non-blocking connect was refused */
	bool reset;	     /* the connection was reset: it has no peer name */
	int32_t v6only, reuseport, nodelay, cork, keepidle, keepintvl, keepcnt, user_timeout;
	int32_t ttl, tos, hops;
};

struct usock {
	int type, state;
	struct usock *peer; /* connected: the other end (a datagram's: where sends go) */
	bool peer_gone;	    /* a connected datagram socket's peer closed: ECONNREFUSED */
	struct file *file;  /* NULL while a connection waits to be accepted */
	struct uaddr name;
	struct inode *bound; /* its socket file in the tree, or NULL */
	bool rd_shut, wr_shut;
	struct chunk *head, *tail; /* the receive queue */
	uint32_t bytes, count;
	struct usock *pending, *pending_tail, *next_pending; /* a listener's connections */
	int backlog, npending;
	uint64_t rcvtimeo, sndtimeo; /* ns; 0: none */
	int32_t sndbuf, rcvbuf;
	int pid;
	int32_t passcred, reuseaddr, keepalive, broadcast, rcvlowat; /* as set */
	int32_t linger[2]; /* struct linger: on, seconds */
	struct waitq wq;
	struct usock *next;	/* every socket */
	int refs;		/* its file (or a listener's queue), and threads waiting on it */
	bool dead;		/* closed: only threads that waited on it still hold it */
	bool named;		/* bound by bind or autobind (accepted sockets only carry a name) */
	int err;		/* ECONNRESET from a peer closed with data unread, or 0 */
	struct uaddr peer_name; /* the peer's name and credentials, kept after it goes */
	int peer_pid;
	uint32_t peer_uid, peer_gid, uid, gid; /* effective ids: the peer's, its own */
	int family;			       /* AF_UNIX, AF_INET, AF_INET6 or AF_NETLINK */
	struct inet_part in;		       /* TCP's and UDP's (family AF_INET, AF_INET6) */
	struct {			       /* a netlink socket's (family AF_NETLINK) */
		uint32_t portid, groups;       /* its address (portid 0: none yet) */
		uint32_t dst;		       /* connect's port id (0: the kernel) */
		bool congested;		       /* answers lost: more are, until it is read empty */
		int type;		       /* SOCK_RAW or SOCK_DGRAM, as asked */
		int32_t opts[16];	       /* SOL_NETLINK's options, as set */
	} nl;
};

static struct usock *all;
extern const struct dev_ops sock_ops;

static struct usock *sock_of_file(const struct file *f)
{
	return f->inode->dev == &sock_ops ? f->inode->priv : NULL;
}

/* The socket at fd: EBADF, ENOTSOCK. */
static int sock_get(int fd, struct usock **s, struct file **f)
{
	struct file *file = fd_get(fd);
	if (!file || file->flags & O_PATH)
		return -EBADF;
	*s = sock_of_file(file);
	if (f)
		*f = file;
	return *s ? 0 : -ENOTSOCK;
}

static bool inet(const struct usock *s)
{
	return s->family == AF_INET || s->family == AF_INET6;
}

static bool stream(const struct usock *s)
{
	return s->type == SOCK_STREAM;
}

static void inet_named(struct usock *s);
static void nl_named(struct usock *s);

static struct usock *sock_new(int family, int type)
{
	struct usock *s = kzalloc(sizeof *s);
	if (!s)
		return NULL;
	s->family = family;
	s->type = type;
	s->sndbuf = s->rcvbuf = SOCK_BUF;
	s->pid = current_proc()->pid;
	s->uid = current_proc()->uid.e;
	s->gid = current_proc()->gid.e;
	s->refs = 1;
	s->rcvlowat = 1;
	s->next = all;
	all = s;
	if (inet(s)) { /* Linux's defaults */
		inet_any(&s->in.local, family == AF_INET);
		inet_any(&s->in.remote, family == AF_INET);
		s->in.keepidle = 7200;
		s->in.keepintvl = 75;
		s->in.keepcnt = 9;
		s->in.ttl = s->in.hops = 64;
		inet_named(s);
	}
	return s;
}

static void wake(struct usock *s, bool in)
{
	if (s->file) {
		if (in)
			s->file->inode->wakes_in++;
		else
			s->file->inode->wakes_out++;
	}
	waitq_wake(&s->wq);
}

/* Files in flight whose messages went unread, let go one batch at a time
 * (a file may be a socket whose own queue holds more): never recursively. */
static struct fdbatch *doomed;
static bool letting_go;

static void let_go(struct fdbatch *b)
{
	if (!b)
		return;
	b->next = doomed;
	doomed = b;
	if (letting_go)
		return; /* the loop below, further up the stack, takes it */
	letting_go = true;
	while (doomed) {
		struct fdbatch *d = doomed;
		doomed = d->next;
		for (int i = 0; i < d->n; i++)
			file_put(d->f[i]);
		kfree(d);
	}
	letting_go = false;
}

/* Chunk c at the end of s's receive queue, its buffer charged (the
 * reverse of consumed). */
static void queue_add(struct usock *s, struct chunk *c)
{
	if (s->tail)
		s->tail->next = c;
	else
		s->head = c;
	s->tail = c;
	s->bytes += CHUNK_COST(c->cap) + c->extra;
	s->count++;
}

static void queue_free(struct usock *s)
{
	while (s->head) {
		struct chunk *c = s->head;
		s->head = c->next;
		let_go(c->fds);
		kfree(c);
	}
	s->tail = NULL;
	s->bytes = s->count = 0;
}

void unix_exit(void)
{
	/* after every descriptor closed, what is left holds itself in cycles:
	 * take every batch off its chunk in one walk (nothing is freed
	 * meanwhile), then let them go */
	struct fdbatch *list = NULL;
	for (struct usock *o = all; o; o = o->next)
		for (struct chunk *c = o->head; c; c = c->next)
			if (c->fds) {
				c->fds->next = list;
				list = c->fds;
				c->fds = NULL;
			}
	while (list) {
		struct fdbatch *b = list;
		list = b->next;
		let_go(b);
	}
}

/* The other end of a stream goes: it reads the end of the stream and
 * writes get EPIPE. */
static void hang_up(struct usock *s)
{
	s->rd_shut = s->wr_shut = true;
	s->peer = NULL;
	wake(s, true);
	wake(s, false);
}

static void unbind(struct usock *s)
{
	if (s->bound)
		inode_put(s->bound);
	s->bound = NULL;
}

static void sock_hold(struct usock *s)
{
	s->refs++;
}

static void sock_put(struct usock *s)
{
	if (--s->refs == 0)
		kfree(s);
}

static void refuse_pending(struct usock *s);

/* s is closed: nothing points to it afterwards; threads waiting on it are
 * woken and see it dead, and the last of them frees it (sock_put). A
 * stream's peer reads the end of it, or with bytes left unread here (or a
 * TCP socket's SO_LINGER of 0 s), a reset; a TCP peer's next write goes nowhere and draws a reset,
 * which its write after that reports, as Linux's. */
static void sock_close(struct usock *s)
{
	refuse_pending(s); /* connections never accepted */
	/* (TCP resets too when SO_LINGER asks for no wait) */
	bool unread = s->head != NULL || (inet(s) && s->linger[0] && !s->linger[1]);
	for (struct usock *o = all; o; o = o->next)
		if (o->peer == s) {
			if (o->type == SOCK_DGRAM) {
				o->peer = NULL;
				o->peer_gone = true;
			} else if (inet(o) && !unread) {
				o->peer = NULL;
				o->rd_shut = o->in.fin = o->in.reset_next = true;
				wake(o, true);
				wake(o, false);
			} else if (inet(o)) { /* a reset: EPIPE once the end was read */
				o->err = o->in.fin ? EPIPE : ECONNRESET;
				o->in.reset = true;
				hang_up(o);
			} else {
				if (unread)
					o->err = ECONNRESET;
				hang_up(o);
			}
		}
	struct usock **pp;
	for (pp = &all; *pp != s; pp = &(*pp)->next)
		;
	*pp = s->next;
	queue_free(s);
	unbind(s);
	s->dead = true;
	s->peer = NULL;
	waitq_wake(&s->wq);
	sock_put(s);
}

static void sock_release(struct file *f)
{
	struct usock *s = f->inode->priv;
	if (!s)
		return; /* its descriptor could not be installed */
	s->file = NULL;
	sock_close(s);
	f->inode->priv = NULL;
}

/* --- waiting --- */

/* What a wait that no other thread could end was for: the system call
 * returns -EDEADLK through its callers, which free what they hold, and
 * then ends the program with it (deadlocked). */
static const char *deadlock_cause;

static int64_t deadlocked(int64_t r)
{
	if (r == -EDEADLK)
		proc_killed(syscall_frame(), SIGKILL, deadlock_cause, "", true);
	return r;
}

/* One wait on s->wq for a change, until timeout (ns; 0: none): 0 (look
 * again), -EAGAIN at the timeout, -ERESTARTSYS for a signal, -EDEADLK
 * (with deadlock_cause) when no other thread could end it. */
static int wait_change(struct usock *s, uint64_t deadline, const char *what)
{
	int err = waitq_wait_until(&s->wq, deadline ? deadline : THREAD_NO_DEADLINE);
	if (err == -EDEADLK) {
		deadlock_cause = what;
		return err;
	}
	if (err == -EINTR)
		return -ERESTARTSYS;
	if (deadline && time_ns() >= deadline)
		return -EAGAIN;
	return 0;
}

static uint64_t deadline_of(uint64_t timeout)
{
	return timeout ? deadline_after(timeout) : 0;
}

/* One wait for room on listener l, full, that s would connect to (as
 * wait_change). */
static int wait_room(struct usock *l, const struct usock *s)
{
	sock_hold(l); /* it may be closed while this thread waits */
	int err = wait_change(l, deadline_of(s->sndtimeo),
			      "connect to a full listening socket that no other thread accepts "
			      "from (a deadlock)");
	sock_put(l);
	return err;
}

/* --- user memory: an iovec walked in order --- */

struct iter {
	struct iovec_user *iov;
	uint64_t cnt, idx, off, left; /* left: bytes in all that remain */
};

/* Read and check a vector as Linux does (EMSGSIZE past 1024 parts,
 * EINVAL for a total past SSIZE_MAX, EFAULT for a part outside the user
 * half). */
static int iter_init(struct iter *it, uint64_t uiov, uint64_t cnt)
{
	*it = (struct iter){0};
	if (cnt > IOV_MAX)
		return -EMSGSIZE;
	it->iov = kmalloc(cnt ? cnt * sizeof *it->iov : 1);
	if (!it->iov)
		return -ENOMEM;
	it->cnt = cnt;
	if (copy_from_user(it->iov, uiov, cnt * sizeof *it->iov))
		return -EFAULT;
	for (uint64_t i = 0; i < cnt; i++) {
		if ((int64_t)it->iov[i].len < 0 || (int64_t)(it->left + it->iov[i].len) < 0)
			return -EINVAL;
		it->left += it->iov[i].len;
	}
	return 0;
}

static int iter_one(struct iter *it, uint64_t buf, uint64_t len)
{
	*it = (struct iter){0};
	it->iov = kmalloc(sizeof *it->iov);
	if (!it->iov)
		return -ENOMEM;
	*it->iov = (struct iovec_user){buf, len};
	it->cnt = 1;
	it->left = (int64_t)len < 0 ? 0x7fffffffffffffffull : len;
	return 0;
}

/* Copy n bytes between the vector and buf (to_user: into the vector). */
static int iter_copy(struct iter *it, void *buf, uint64_t n, bool to_user)
{
	uint8_t *p = buf;
	while (n) {
		struct iovec_user *v = &it->iov[it->idx];
		uint64_t k = v->len - it->off < n ? v->len - it->off : n;
		if (k) {
			int err = to_user ? copy_to_user(v->base + it->off, p, k)
					  : copy_from_user(p, v->base + it->off, k);
			if (err)
				return -EFAULT;
		}
		p += k;
		n -= k;
		it->off += k;
		it->left -= k;
		if (it->off == v->len) {
			it->idx++;
			it->off = 0;
		}
	}
	return 0;
}

/* --- names --- */

static bool abstract(const struct uaddr *a)
{
	return a->len > 2 && a->bytes[2] == 0;
}

/* A name as the program gives it, its bytes (at most ADDR_MAX)
 * unread until the protocol looks (Linux's move_addr_to_kernel: EINVAL
 * past a sockaddr_storage, EFAULT). */
static int raw_from_user(uint64_t uaddr, uint32_t len, struct uaddr *a)
{
	char raw[128];
	if (len > sizeof raw)
		return -EINVAL;
	if (len && copy_from_user(raw, uaddr, len))
		return -EFAULT;
	a->len = len < ADDR_MAX ? len : ADDR_MAX;
	memcpy(a->bytes, raw, a->len);
	return 0;
}

/* The family a name's bytes give (the caller checked it has two). */
static uint16_t family_of(const struct uaddr *a)
{
	uint16_t family;
	memcpy(&family, a->bytes, sizeof family);
	return family;
}

/* A name from the program, checked in Linux's order: a length past a
 * sockaddr_storage (EINVAL), the copy (EFAULT), the family and a length
 * outside 3..110 (EINVAL; 2, the family alone, only where `unnamed` allows
 * it: bind's autobind). A path is cut at its first NUL, which counts. */
static int addr_from_user(uint64_t uaddr, uint32_t len, struct uaddr *a, bool unnamed)
{
	int err = raw_from_user(uaddr, len, a);
	if (err)
		return err;
	if (len < 2 || family_of(a) != AF_UNIX || len > ADDR_MAX || (len == 2 && !unnamed))
		return -EINVAL;
	if (len > 2 && a->bytes[2] != 0) { /* a path: up to its NUL, which counts */
		uint32_t n = 2;
		while (n < len && a->bytes[n])
			n++;
		a->bytes[n] = 0;
		a->len = n + 1;
	}
	return 0;
}

/* Give a name back: at most *ulen bytes of it, *ulen set to its length;
 * unnamed is the family alone. */
static int addr_to_user(const struct uaddr *a, uint64_t uaddr, uint64_t ulen)
{
	int32_t room; /* Linux's order: the length, then the name, then the length */
	if (copy_from_user(&room, ulen, sizeof room))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	struct uaddr unnamed = {2, {AF_UNIX, 0}};
	const struct uaddr *v = a->len ? a : &unnamed;
	uint32_t n = (uint32_t)room < v->len ? (uint32_t)room : v->len;
	if ((n && copy_to_user(uaddr, v->bytes, n)) || copy_to_user(ulen, &v->len, sizeof v->len))
		return -EFAULT;
	return 0;
}

/* The socket of `type` a name refers to: a path's socket file, or an
 * abstract name. ENOENT (no such path), ECONNREFUSED (nothing bound there,
 * or an abstract name of another type), EPROTOTYPE (a path's socket of
 * another type), as Linux. type 0: any. */
static int lookup(const struct uaddr *a, int type, struct usock **out)
{
	if (abstract(a)) {
		for (struct usock *s = all; s; s = s->next)
			if (s->family == AF_UNIX && s->named && s->name.len == a->len &&
			    abstract(&s->name) && (!type || s->type == type) &&
			    !memcmp(s->name.bytes, a->bytes, a->len)) {
				*out = s;
				return 0;
			}
		return -ECONNREFUSED;
	}
	struct inode *ip;
	int err = path_lookup(AT_FDCWD, a->bytes + 2, true, &ip);
	if (err)
		return err;
	if (!S_ISSOCK(ip->mode))
		return -ECONNREFUSED;
	for (struct usock *s = all; s; s = s->next)
		if (s->family == AF_UNIX && s->named && s->bound == ip) {
			*out = s;
			return type && s->type != type ? -EPROTOTYPE : 0;
		}
	return -ECONNREFUSED;
}

/* --- TCP and UDP names (inet.h) --- */

/* name and peer_name from local and remote. */
static void inet_named(struct usock *s)
{
	s->name.len = inet_name_format(s->family, &s->in.local, (uint8_t *)s->name.bytes);
	s->peer_name.len =
	    inet_name_format(s->family, &s->in.remote, (uint8_t *)s->peer_name.bytes);
	s->named = s->in.local.port != 0;
}

/* Whether s's TCP connection is over, its socket closed to Linux: reset,
 * or ended both ways (the peer's end read, its own writing shut). */
static bool inet_closed(const struct usock *s)
{
	return inet(s) && stream(s) && (s->in.reset || (s->in.fin && s->wr_shut));
}

/* Whether IPv4 traffic, and IPv6 traffic, may reach s by its name. */
static bool reaches_v4(const struct usock *s)
{
	return s->family == AF_INET || inet_is_v4(&s->in.local) ||
	       (!s->in.v6only && inet_is_any(&s->in.local));
}

static bool reaches_v6(const struct usock *s)
{
	return s->family == AF_INET6 && !inet_is_v4(&s->in.local);
}

/* Whether the names of a and b, of one port, take some of the same traffic. */
static bool names_overlap(const struct usock *a, const struct usock *b)
{
	if (!inet_is_any(&a->in.local) && !inet_is_any(&b->in.local) &&
	    !inet_same_addr(&a->in.local, &b->in.local))
		return false;
	return (reaches_v4(a) && reaches_v4(b)) || (reaches_v6(a) && reaches_v6(b));
}

/* Whether o may keep its name on the port s takes: both asked with
 * SO_REUSEPORT (one user's), or with SO_REUSEADDR where o is no TCP
 * listener, as Linux's. */
static bool may_share(const struct usock *o, const struct usock *s)
{
	if (o->in.reuseport && s->in.reuseport && o->uid == s->uid)
		return true;
	return o->reuseaddr && s->reuseaddr && (s->type == SOCK_DGRAM || o->state != LISTENING);
}

/* Whether another socket of s's protocol has s's port for traffic s's
 * name would take (EADDRINUSE). Accepted connections hold their
 * listener's port, as Linux's. */
static bool port_in_use(const struct usock *s)
{
	for (struct usock *o = all; o; o = o->next)
		if (o != s && inet(o) && o->type == s->type &&
		    o->in.local.port == s->in.local.port && names_overlap(o, s) && !may_share(o, s))
			return true;
	return false;
}

/* A port for s from Linux's ephemeral range that no other socket of its
 * protocol has: EADDRINUSE when none is left. */
static int inet_autobind(struct usock *s)
{
	static uint32_t next;
	uint32_t span = INET_PORT_HI - INET_PORT_LO + 1;
	for (uint32_t tries = 0; tries < span; tries++) {
		uint16_t port = (uint16_t)(INET_PORT_LO + next++ % span);
		bool used = false;
		for (struct usock *o = all; o && !used; o = o->next)
			used = inet(o) && o->type == s->type && o->in.local.port == port;
		if (!used) {
			s->in.local.port = port;
			inet_named(s);
			return 0;
		}
	}
	return -EADDRINUSE;
}

/* bind, Linux's checks in its order: the name's length and family, an
 * address that is not the loopback's or a wildcard (EADDRNOTAVAIL: there
 * is no other interface; IPv6's after the next two), a port below 1024 for
 * a user but root (EACCES), a socket bound already (EINVAL), a port in
 * use (EADDRINUSE). Port 0 takes one from the ephemeral range. */
static int inet_bind(struct usock *s, uint64_t uaddr, uint32_t len)
{
	struct uaddr raw;
	struct inet_name n;
	int err = raw_from_user(uaddr, len, &raw);
	if (!err)
		err = inet_name_parse(s->family, (const uint8_t *)raw.bytes, raw.len, &n);
	if (err)
		return err;
	/* (IPv6's bind looks at the port and the socket before the address) */
	bool v6 = s->family == AF_INET6;
	if (!v6 && !inet_is_local(&n))
		return -EADDRNOTAVAIL;
	if (n.port && n.port < 1024 && current_proc()->uid.e != 0)
		return -EACCES;
	if (s->in.local.port || s->state != UNCONNECTED)
		return -EINVAL;
	if (v6 && inet_is_v4(&n) && s->in.v6only)
		return -EINVAL;
	if (v6 && !inet_is_local(&n))
		return -EADDRNOTAVAIL;
	struct inet_name was = s->in.local;
	memcpy(s->in.local.addr, n.addr, sizeof n.addr);
	s->in.local.port = n.port;
	err = n.port ? (port_in_use(s) ? -EADDRINUSE : 0) : inet_autobind(s);
	if (err) {
		s->in.local = was;
		inet_named(s);
		return err;
	}
	s->in.port_given = n.port != 0;
	s->in.addr_given = !inet_is_any(&n);
	if (v6 && s->in.addr_given && !inet_is_v4(&n))
		s->in.v6only = 1; /* bound to ::1: IPv6's alone, as Linux's */
	inet_named(s);
	return 0;
}

/* A connect that failed or was undone: the port and address it gave s go
 * back (those bind gave stay), as Linux's. */
static void inet_release(struct usock *s)
{
	if (!s->in.port_given)
		s->in.local.port = 0;
	if (!s->in.addr_given)
		inet_any(&s->in.local, s->family == AF_INET);
	inet_any(&s->in.remote, s->family == AF_INET);
	s->in.remote.port = 0;
	inet_named(s);
}

/* inet_release, with getsockname still showing the port that goes back
 * (and with keep_addr, the address), as Linux's: its inet_sport stays. */
static void inet_release_shown(struct usock *s, bool keep_addr)
{
	struct inet_name shown = s->in.local;
	inet_release(s);
	if (!keep_addr)
		memcpy(shown.addr, s->in.local.addr, sizeof shown.addr);
	s->name.len = inet_name_format(s->family, &shown, (uint8_t *)s->name.bytes);
}

/* Where a connect or a send to the name in a goes (Linux's checks of its
 * length and family first): a wildcard means the loopback; any other
 * address is ENETUNREACH, as Linux's without a route to it. */
static int inet_dest(int family, bool v6only, const struct uaddr *a, struct inet_name *to)
{
	int err = inet_name_parse(family, (const uint8_t *)a->bytes, a->len, to);
	if (err)
		return err;
	to->flowinfo = to->scope = 0;
	if (family == AF_INET6 && inet_is_v4(to) && v6only)
		return -ENETUNREACH;
	if (inet_is_any(to))
		inet_loopback(to, inet_is_v4(to));
	return inet_is_local(to) ? 0 : -ENETUNREACH;
}

/* An error for s's next call (TCP's reset, UDP's port unreachable): the
 * threads waiting on s see it. */
static void inet_error(struct usock *s, int err)
{
	s->err = err;
	wake(s, true);
	wake(s, false);
}

/* A UDP send's or connect's destination from the name in a: an IPv6
 * socket takes an IPv4 name too (not with IPV6_V6ONLY), and AF_UNSPEC
 * for none (*none set); an IPv4 socket takes AF_UNSPEC as IPv4, as
 * Linux's udp_sendmsg. */
static int udp_dest(const struct usock *s, const struct uaddr *a, struct inet_name *to, bool *none)
{
	struct uaddr v = *a;
	uint16_t family = a->len >= 2 ? family_of(a) : AF_UNSPEC;
	*none = false;
	if (a->len < 2)
		return -EINVAL;
	if (s->family == AF_INET6 && family == AF_UNSPEC) {
		*none = true;
		return 0;
	}
	if (s->family == AF_INET6 && family == AF_INET) {
		if (s->in.v6only)
			return -ENETUNREACH;
		return inet_dest(AF_INET, false, a, to);
	}
	if (s->family == AF_INET6 && family != AF_INET6)
		return -EINVAL;
	if (s->family == AF_INET && family == AF_UNSPEC)
		memcpy(v.bytes, &(uint16_t){AF_INET}, 2);
	return inet_dest(s->family, s->in.v6only, &v, to);
}

/* s is to send to `to`: a port if it has none, and with fill, the
 * loopback's address in place of the wildcard it may be bound to (what a
 * connect does). */
static int inet_source(struct usock *s, const struct inet_name *to, bool fill)
{
	if (s->family == AF_INET6 && inet_is_v4(&s->in.local) && !inet_is_v4(to))
		return -EAFNOSUPPORT; /* bound to an IPv4 address, for IPv6 */
	if (!s->in.local.port && inet_autobind(s))
		return -EADDRNOTAVAIL;
	if (fill && inet_is_any(&s->in.local))
		inet_loopback(&s->in.local, inet_is_v4(to));
	inet_named(s);
	return 0;
}

/* The socket that traffic of type to `to` reaches (from `from`, a
 * datagram's sender): a TCP listener, or a bound UDP socket; the one whose
 * name fits best, as Linux's: its very address before a wildcard, and a
 * UDP socket connected to the sender before others (one connected to
 * another takes nothing). NULL: nothing there. */
static struct usock *inet_lookup(int type, const struct inet_name *to, const struct inet_name *from)
{
	struct usock *best = NULL;
	int best_score = 0;
	bool v4 = inet_is_v4(to);
	for (struct usock *o = all; o; o = o->next) {
		if (!inet(o) || o->type != type || o->in.local.port != to->port)
			continue;
		if ((type == SOCK_STREAM && o->state != LISTENING) ||
		    !(v4 ? reaches_v4(o) : reaches_v6(o)))
			continue;
		int score = inet_same_addr(&o->in.local, to) ? 2
			    : inet_is_any(&o->in.local)	     ? 1
							     : 0;
		if (score && type == SOCK_DGRAM && o->state == CONNECTED)
			score =
			    o->in.remote.port == from->port && inet_same_addr(&o->in.remote, from)
				? score + 2
				: 0;
		if (score > best_score) {
			best = o;
			best_score = score;
		}
	}
	return best;
}

/* Connection c, made now, waits on listener l for an accept (the
 * connect is done before it, as Linux's handshake is). */
static void listener_queue(struct usock *l, struct usock *c)
{
	if (l->pending_tail)
		l->pending_tail->next_pending = c;
	else
		l->pending = c;
	l->pending_tail = c;
	l->npending++;
	if (l->file)
		l->file->inode->wakes_in++;
	waitq_wake(&l->wq);
}

/* TCP's connect, Linux's checks in its order: the socket's state, then
 * the name. It is done at once, or refused (ECONNREFUSED) when nothing
 * listens; a non-blocking one says EINPROGRESS either way, and the next
 * connect or SO_ERROR tells the end, as Linux's. A full listener takes a
 * non-blocking connect at once (Linux's retries its SYN until there is
 * room) and a blocking one waits for room. */
static int inet_connect_stream(struct usock *s, struct file *f, const struct uaddr *a)
{
	if (s->state == CONNECTED && s->in.in_progress) {
		s->in.in_progress = false;
		return 0;
	}
	if (s->state != UNCONNECTED)
		return -EISCONN;
	if (s->in.connect_failed) { /* the connection is over: its state goes */
		int e = s->err ? s->err : ECONNABORTED;
		uint8_t port[2]; /* (the port shown stays, the address goes) */
		memcpy(port, s->name.bytes + 2, sizeof port);
		s->err = 0;
		s->in.connect_failed = false;
		s->rd_shut = s->wr_shut = false;
		inet_named(s);
		memcpy(s->name.bytes + 2, port, sizeof port);
		return -e;
	}
	struct inet_name to; /* (inet_dest makes Linux's length and family checks) */
	int err = inet_dest(s->family, s->in.v6only, a, &to);
	if (err || (err = inet_source(s, &to, true)))
		return err;
	bool nonblock = f->flags & O_NONBLOCK;
	struct usock *l;
	f->refs++; /* another thread may close it while this one waits */
	for (;;) {
		l = to.port ? inet_lookup(SOCK_STREAM, &to, NULL) : NULL;
		if (!l || l->rd_shut) {
			err = -ECONNREFUSED;
			break;
		}
		if (l->npending < l->backlog + 1 || nonblock) /* Linux lets one more in */
			break;
		err = wait_room(l, s);
		if (!err && s->state != UNCONNECTED)
			err = -EISCONN; /* another thread connected it meanwhile */
		if (err)
			break;
	}
	struct usock *c = err ? NULL : sock_new(l->family, SOCK_STREAM);
	if (!err && !c)
		err = -ENOMEM;
	if (err) {
		if (err == -ECONNREFUSED || err == -ENOMEM)
			inet_release_shown(s, nonblock); /* (a non-blocking one's address too) */
		if (err == -ECONNREFUSED && nonblock) {
			s->err = ECONNREFUSED;
			s->in.connect_failed = true;
			s->rd_shut = s->wr_shut = true;
			err = -EINPROGRESS;
		}
		file_put(f);
		return deadlocked(err);
	}
	/* the accepted end is the listener's clone, as Linux's */
	c->in = l->in;
	c->in.local = to;
	c->in.remote = s->in.local;
	c->in.port_given = true;
	c->reuseaddr = l->reuseaddr;
	c->keepalive = l->keepalive;
	c->sndbuf = l->sndbuf;
	c->rcvbuf = l->rcvbuf;
	c->rcvtimeo = l->rcvtimeo;
	c->sndtimeo = l->sndtimeo;
	memcpy(c->linger, l->linger, sizeof c->linger);
	c->peer = s;
	c->state = CONNECTED;
	s->peer = c;
	s->state = CONNECTED;
	s->in.remote = to;
	s->rd_shut = s->wr_shut = s->in.fin = s->in.reset_next = s->in.reset = false;
	inet_named(c);
	inet_named(s);
	listener_queue(l, c);
	wake(s, false); /* writable now: an epoll waiting for it sees the change */
	if (nonblock) {
		s->in.in_progress = true;
		err = -EINPROGRESS;
	}
	file_put(f);
	return err;
}

/* Connections queued on listener s and never accepted: each client sees
 * a reset (an embryo's, as Linux's). */
static void refuse_pending(struct usock *s)
{
	for (struct usock *c = s->pending; c;) {
		struct usock *n = c->next_pending;
		if (c->peer) {
			c->peer->err = ECONNRESET;
			c->peer->in.reset = inet(c->peer);
			hang_up(c->peer);
		}
		c->peer = NULL;
		sock_close(c);
		c = n;
	}
	s->pending = s->pending_tail = NULL;
	s->npending = 0;
}

/* connect with AF_UNSPEC: a TCP socket's connection ends with a reset to
 * its peer, a listener stops; a UDP socket forgets its peer. */
static int inet_disconnect(struct usock *s)
{
	if (s->state == LISTENING) {
		refuse_pending(s);
		waitq_wake(&s->wq); /* an accept waiting sees it listen no more */
	}
	/* a connection not over yet is reset: both ends see it (Linux's
	 * tcp_need_reset), the peer if it is still there */
	int own = stream(s) && s->state == CONNECTED && !inet_closed(s) ? ECONNRESET : 0;
	if (s->type == SOCK_STREAM && s->peer) {
		s->peer->err = s->peer->in.fin ? EPIPE : ECONNRESET;
		s->peer->in.reset = true;
		hang_up(s->peer);
		s->peer = NULL;
	}
	if (s->type == SOCK_STREAM)
		queue_free(s);
	bool was_stream = s->type == SOCK_STREAM && s->state != UNCONNECTED;
	s->state = UNCONNECTED;
	s->rd_shut = s->wr_shut = s->in.fin = s->in.reset_next = s->in.in_progress = false;
	s->in.reset = s->in.connect_failed = false;
	s->err = own ? own : s->err;
	if (was_stream)
		inet_release_shown(s, false);
	else
		inet_release(s);
	return 0;
}

static int inet_connect(struct usock *s, struct file *f, uint64_t uaddr, uint32_t len)
{
	struct uaddr a;
	struct inet_name to;
	int err = raw_from_user(uaddr, len, &a);
	if (err)
		return err;
	if (len < 2)
		return -EINVAL;
	if (family_of(&a) == AF_UNSPEC)
		return inet_disconnect(s);
	if (s->type == SOCK_STREAM)
		return inet_connect_stream(s, f, &a);
	/* UDP: where sends without a name go, and the only sender it hears;
	 * an IPv6 socket takes an IPv4 name, as Linux's (not V6ONLY); a port
	 * first, whatever follows (inet_dgram_connect's autobind) */
	if (!s->in.local.port && inet_autobind(s))
		return -EAGAIN;
	if (s->family == AF_INET6 && family_of(&a) == AF_INET)
		err = s->in.v6only ? -EAFNOSUPPORT : inet_dest(AF_INET, false, &a, &to);
	else
		err = inet_dest(s->family, s->in.v6only, &a, &to);
	if (err || (err = inet_source(s, &to, true)))
		return err;
	s->in.remote = to;
	s->state = CONNECTED;
	inet_named(s);
	return 0;
}

/* --- netlink sockets (NETLINK_ROUTE, netlink.h) --- */

#define SOL_NETLINK 270
#define NETLINK_ADD_MEMBERSHIP 1
#define NETLINK_DROP_MEMBERSHIP 2
#define NETLINK_PKTINFO 3
#define NETLINK_BROADCAST_ERROR 4
#define NETLINK_LISTEN_ALL_NSID 8
#define RTNLGRP_MAX 36 /* NETLINK_ROUTE's groups: 1 to this (Linux 6.1's) */
#define NETLINK_NO_ENOBUFS 5
#define NETLINK_CAP_ACK 10
#define NETLINK_EXT_ACK 11
#define NETLINK_GET_STRICT_CHK 12
#define NL_NAME 12 /* sizeof (struct sockaddr_nl) */

/* name (the socket's address) and peer_name (connect's, or the kernel). */
static void nl_named(struct usock *s)
{
	uint16_t family = AF_NETLINK;
	memset(s->name.bytes, 0, NL_NAME);
	memcpy(s->name.bytes, &family, sizeof family);
	memcpy(s->name.bytes + 4, &s->nl.portid, 4);
	memcpy(s->name.bytes + 8, &s->nl.groups, 4);
	s->name.len = NL_NAME;
	memset(s->peer_name.bytes, 0, NL_NAME);
	memcpy(s->peer_name.bytes, &family, sizeof family);
	memcpy(s->peer_name.bytes + 4, &s->nl.dst, 4); /* (no groups) */
	s->peer_name.len = NL_NAME;
}

static bool portid_taken(uint32_t id, const struct usock *s)
{
	for (struct usock *o = all; o; o = o->next)
		if (o != s && o->family == AF_NETLINK && o->nl.portid == id)
			return true;
	return false;
}

/* A port id for s: its process's pid when free, else one from -4096
 * down, as Linux's netlink_autobind. */
static void nl_autobind(struct usock *s)
{
	static uint32_t rover = (uint32_t)-4096;
	uint32_t id = (uint32_t)current_proc()->pid;
	while (portid_taken(id, s))
		id = rover--;
	s->nl.portid = id;
	nl_named(s);
}

/* A sockaddr_nl's port id and groups, Linux's checks: EINVAL for a short
 * one or another family. */
static int nl_addr(const struct uaddr *a, uint32_t *pid, uint32_t *groups)
{
	if (a->len < NL_NAME || family_of(a) != AF_NETLINK)
		return -EINVAL;
	memcpy(pid, a->bytes + 4, 4);
	memcpy(groups, a->bytes + 8, 4);
	return 0;
}

/* bind: a port id given (EADDRINUSE if another socket has it; EINVAL if
 * this one has another), or one chosen; the groups kept (there are no
 * notifications to send them). */
static int nl_bind(struct usock *s, uint64_t uaddr, uint32_t len)
{
	struct uaddr a;
	uint32_t pid, groups;
	int err = raw_from_user(uaddr, len, &a);
	if (!err)
		err = nl_addr(&a, &pid, &groups);
	if (err)
		return err;
	if (s->nl.portid && pid != s->nl.portid)
		return -EINVAL;
	if (!s->nl.portid && pid && portid_taken(pid, s))
		return -EADDRINUSE;
	if (!s->nl.portid && pid)
		s->nl.portid = pid;
	else if (!s->nl.portid)
		nl_autobind(s);
	s->nl.groups = groups;
	nl_named(s);
	return 0;
}

/* connect: where sends without a name go (AF_UNSPEC: the kernel again). */
static int nl_connect(struct usock *s, uint64_t uaddr, uint32_t len)
{
	struct uaddr a;
	uint32_t pid = 0, groups;
	int err = raw_from_user(uaddr, len, &a);
	if (err)
		return err;
	if (len < 2)
		return -EINVAL;
	if (family_of(&a) != AF_UNSPEC) {
		if ((err = nl_addr(&a, &pid, &groups)))
			return err;
		if (!s->nl.portid)
			nl_autobind(s);
	}
	s->nl.dst = pid;
	nl_named(s);
	return 0;
}

/* The kernel's answer datagram (n bytes at p) into s's own queue, from
 * the kernel's address; a queue already past its buffer loses it, and
 * unless NETLINK_NO_ENOBUFS the next receive says ENOBUFS and every later
 * answer is lost until the queue has been read empty, as Linux's. */
static int nl_queue(struct usock *s, const uint8_t *p, uint32_t n)
{
	static const struct uaddr kernel = {NL_NAME, {AF_NETLINK, 0}};
	if (!s->head || s->nl.opts[NETLINK_NO_ENOBUFS])
		s->nl.congested = false;			 /* read empty since */
	if (s->nl.congested || s->bytes > (uint64_t)s->rcvbuf) { /* (an empty queue takes any) */
		if (!s->nl.opts[NETLINK_NO_ENOBUFS]) {
			s->err = ENOBUFS;
			s->nl.congested = true;
		}
		return 0;
	}
	struct chunk *c = kmalloc(sizeof *c + n);
	if (!c)
		return -ENOBUFS;
	*c = (struct chunk){NULL, n, 0, n, kernel, {0, UINT32_MAX, UINT32_MAX}, NULL, 0, {}};
	memcpy(c->data, p, n);
	queue_add(s, c);
	return 0;
}

/* A send: to the kernel, whose answers to each message come back in s's
 * own queue; to another port id, ECONNREFUSED: netlink between sockets is
 * not here. */
static int64_t nl_send(struct usock *s, struct iter *it, const struct uaddr *to, int64_t total)
{
	uint32_t dst = s->nl.dst, groups;
	if (to && to->len) {
		int err = nl_addr(to, &dst, &groups);
		if (err)
			return err;
	}
	if (total > s->sndbuf - 32)
		return -EMSGSIZE;
	if (!s->nl.portid)
		nl_autobind(s);
	if (dst)
		return -ECONNREFUSED;
	uint8_t *req = kmalloc(total ? (size_t)total : 1);
	int err = !req ? -ENOBUFS : iter_copy(it, req, (uint64_t)total, false);
	for (uint32_t off = 0, n; !err && (n = netlink_next(req + off, (uint32_t)total - off));
	     off += n) {
		struct nl_answers a = {kmalloc(n + NL_ANSWER_ROOM), n + NL_ANSWER_ROOM, 0, {0}, 0};
		err = a.buf
			  ? netlink_answer(req + off, s->nl.portid, s->nl.opts[NETLINK_CAP_ACK], &a)
			  : -ENOBUFS;
		for (int i = 0; !err && i < a.n; i++) {
			uint32_t start = i ? a.ends[i - 1] : 0;
			err = nl_queue(s, a.buf + start, a.ends[i] - start);
		}
		kfree(a.buf);
	}
	kfree(req);
	wake(s, true);
	return err ? err : total;
}

/* --- the system calls --- */

/* A descriptor for s; on failure s is still the caller's. */
static int make_file(struct usock *s, uint32_t flags, bool cloexec)
{
	struct file *f = anon_file(&sock_ops, s, S_IFSOCK | 0777, O_RDWR | (flags & O_NONBLOCK));
	if (!f)
		return -ENFILE;
	int fd = fd_install(f, 0, cloexec);
	if (fd < 0) {
		f->inode->priv = NULL;
		file_put(f);
		return fd;
	}
	s->file = f;
	return fd;
}

/* Linux's checks: flags in type (EINVAL), the family (EAFNOSUPPORT), the
 * type (ESOCKTNOSUPPORT), the protocol. TCP and UDP sockets are on the
 * loopback interface alone: there is no other network, so no raw IP. */
static int check_type(int domain, int type, int protocol, int *kind)
{
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (domain != AF_UNIX && domain != AF_INET && domain != AF_INET6 && domain != AF_NETLINK)
		return -EAFNOSUPPORT;
	*kind = type & SOCK_TYPE_MASK;
	if (*kind >= 11) /* SOCK_MAX */
		return -EINVAL;
	if (domain == AF_NETLINK) { /* NETLINK_ROUTE alone */
		if (*kind != SOCK_RAW && *kind != SOCK_DGRAM)
			return -ESOCKTNOSUPPORT;
		*kind = SOCK_DGRAM;
		return protocol != NETLINK_ROUTE ? -EPROTONOSUPPORT : 0;
	}
	if (domain != AF_UNIX) {
		if (*kind == SOCK_STREAM)
			return protocol && protocol != IPPROTO_TCP ? -EPROTONOSUPPORT : 0;
		if (*kind == SOCK_DGRAM)
			return protocol && protocol != IPPROTO_UDP ? -EPROTONOSUPPORT : 0;
		return -ESOCKTNOSUPPORT;
	}
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (*kind == SOCK_RAW)
		*kind = SOCK_DGRAM;
	if (*kind != SOCK_STREAM && *kind != SOCK_DGRAM && *kind != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	return 0;
}

SYSCALL_DEFINE3(socket, int, domain, int, type, int, protocol)
{
	int kind, err = check_type(domain, type, protocol, &kind);
	if (err)
		return err;
	struct usock *s = sock_new(domain, kind);
	if (!s)
		return -ENOMEM;
	if (domain == AF_NETLINK) {
		s->nl.type = type & SOCK_TYPE_MASK;
		nl_named(s);
	}
	int fd = make_file(s, (uint32_t)type, type & SOCK_CLOEXEC);
	if (fd < 0)
		sock_close(s);
	return fd;
}

SYSCALL_DEFINE4(socketpair, int, domain, int, type, int, protocol, uint64_t, usv)
{
	int kind, err;
	if ((domain == AF_INET || domain == AF_INET6) &&
	    !(type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)))
		return -EOPNOTSUPP; /* Linux's inet sockets have no pairs */
	err = check_type(domain, type, protocol, &kind);
	if (err)
		return err;
	if (domain == AF_NETLINK)
		return -EOPNOTSUPP; /* nor netlink's */
	struct usock *a = sock_new(AF_UNIX, kind), *b = a ? sock_new(AF_UNIX, kind) : NULL;
	if (!b) {
		if (a)
			sock_close(a);
		return -ENOMEM;
	}
	a->peer = b;
	b->peer = a;
	a->state = b->state = CONNECTED;
	a->peer_pid = b->peer_pid = a->pid;
	a->peer_uid = b->peer_uid = a->uid;
	a->peer_gid = b->peer_gid = a->gid;
	int fds[2];
	fds[0] = make_file(a, (uint32_t)type, type & SOCK_CLOEXEC);
	if (fds[0] < 0) {
		sock_close(a);
		sock_close(b);
		return fds[0];
	}
	fds[1] = make_file(b, (uint32_t)type, type & SOCK_CLOEXEC);
	if (fds[1] < 0) {
		sock_close(b);
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(usv, fds, sizeof fds)) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* An unused abstract name of five hex digits (bind with the family alone). */
static void autobind(struct usock *s)
{
	static uint32_t next;
	for (;;) {
		struct uaddr a = {8, {AF_UNIX, 0, 0}};
		uint32_t v = next++ & 0xfffff;
		for (int i = 0; i < 5; i++)
			a.bytes[3 + i] = "0123456789abcdef"[(v >> (4 * (4 - i))) & 15];
		struct usock *o;
		if (lookup(&a, s->type, &o)) {
			s->name = a;
			s->named = true;
			return;
		}
	}
}

/* Make the socket file of path a (EADDRINUSE if the name is taken); *out
 * holds a reference to it. */
static int bind_path(const struct uaddr *a, struct inode **out)
{
	struct inode *dir, *ip;
	const char *name;
	size_t len;
	int err = path_parent(AT_FDCWD, a->bytes + 2, &dir, &name, &len);
	if (err)
		return err;
	if (len == 0 || dir_lookup(dir, name, len))
		return -EADDRINUSE;
	ip = inode_new(S_IFSOCK | (0777 & ~fs_umask()));
	if (!ip)
		return -ENOSPC;
	ip->dev = &sockfile_ops;
	err = dir_link(dir, name, len, ip);
	if (err) {
		inode_get(ip);
		inode_put(ip); /* frees it: no name, no user */
		return err;
	}
	inode_get(ip);
	*out = ip;
	return 0;
}

SYSCALL_DEFINE3(bind, int, fd, uint64_t, uaddr, uint32_t, len)
{
	struct usock *s;
	struct uaddr a;
	int err = sock_get(fd, &s, NULL);
	if (!err && inet(s))
		return inet_bind(s, uaddr, len);
	if (!err && s->family == AF_NETLINK)
		return nl_bind(s, uaddr, len);
	if (!err)
		err = addr_from_user(uaddr, len, &a, true);
	if (err)
		return err;
	if (!abstract(&a) && a.len > 2) {
		/* a path: its socket file first (EADDRINUSE), as Linux */
		struct inode *ip;
		if ((err = bind_path(&a, &ip)))
			return err;
		if (s->name.len) {
			struct inode *dir;
			const char *name;
			size_t len;
			if (!path_parent(AT_FDCWD, a.bytes + 2, &dir, &name, &len))
				dir_unlink(dir, name, len);
			inode_put(ip);
			return -EINVAL; /* bound already */
		}
		s->bound = ip;
		s->name = a;
		s->named = true;
		return 0;
	}
	if (a.len == 2) { /* autobind: nothing to do once named, as Linux */
		if (!s->name.len)
			autobind(s);
		return 0;
	}
	if (s->name.len)
		return -EINVAL; /* bound already */
	struct usock *o;
	if (!lookup(&a, s->type, &o))
		return -EADDRINUSE; /* abstract names are per type, as Linux's */
	s->name = a;
	s->named = true;
	return 0;
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	struct usock *s;
	int err = sock_get(fd, &s, NULL);
	if (err)
		return err;
	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (inet(s) && s->in.connect_failed)
		return -EINVAL; /* a refused connect's socket, as Linux's */
	if (inet(s) && s->state != CONNECTED) {
		/* unbound: a port from the ephemeral range; one listener a name */
		if (!s->in.local.port && inet_autobind(s))
			return -EADDRINUSE;
		for (struct usock *o = all; o; o = o->next)
			if (o != s && inet(o) && o->type == SOCK_STREAM && o->state == LISTENING &&
			    o->in.local.port == s->in.local.port && names_overlap(o, s) &&
			    !(o->in.reuseport && s->in.reuseport && o->uid == s->uid))
				return -EADDRINUSE;
	}
	if (!s->name.len || s->state == CONNECTED)
		return -EINVAL;
	if (inet(s))
		s->rd_shut = s->wr_shut = false; /* an earlier shutdown is forgotten */
	s->backlog = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
	s->state = LISTENING;
	s->peer_pid = current_proc()->pid; /* SO_PEERCRED on a listener: its own */
	s->peer_uid = current_proc()->uid.e;
	s->peer_gid = current_proc()->gid.e;
	waitq_wake(&s->wq); /* connects waiting for room look again */
	return 0;
}

static int connect_dgram(struct usock *s, const struct uaddr *a)
{
	if (a->len >= 2 && *(const uint16_t *)a->bytes == AF_UNSPEC) {
		s->peer = NULL; /* dissolve the association */
		s->peer_gone = false;
		s->state = UNCONNECTED;
		return 0;
	}
	struct usock *o;
	int err = lookup(a, s->type, &o);
	if (err)
		return err;
	s->peer = o;
	s->peer_gone = false;
	s->state = CONNECTED;
	s->peer_name = o->name;
	s->peer_pid = o->pid;
	s->peer_uid = o->uid;
	s->peer_gid = o->gid;
	return 0;
}

SYSCALL_DEFINE3(connect, int, fd, uint64_t, uaddr, uint32_t, len)
{
	struct usock *s, *l;
	struct file *f;
	struct uaddr a;
	int err = sock_get(fd, &s, &f);
	if (err)
		return err;
	if (inet(s))
		return inet_connect(s, f, uaddr, len);
	if (s->family == AF_NETLINK)
		return nl_connect(s, uaddr, len);
	if (s->type == SOCK_DGRAM && len >= 2) {
		uint16_t family;
		if (copy_from_user(&family, uaddr, sizeof family))
			return -EFAULT;
		if (family == AF_UNSPEC)
			return connect_dgram(s, &(struct uaddr){2, {0}});
	}
	if ((err = addr_from_user(uaddr, len, &a, false)))
		return err;
	if (s->passcred && !s->name.len)
		autobind(s); /* as Linux's, so that the peer sees who it is */
	if (s->type == SOCK_DGRAM)
		return connect_dgram(s, &a);
	if (s->state == CONNECTED)
		return -EISCONN;
	if (s->state == LISTENING)
		return -EINVAL;
	f->refs++; /* another thread may close it while this one waits */
	for (;;) {
		if ((err = lookup(&a, s->type, &l)))
			break;
		if (l->state != LISTENING || l->rd_shut) {
			err = -ECONNREFUSED;
			break;
		}
		if (l->npending < l->backlog + 1) /* Linux lets one more in */
			break;
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		if ((err = wait_room(l, s)))
			break;
	}
	if (!err && s->state == CONNECTED)
		err = -EISCONN; /* another thread connected it meanwhile */
	struct usock *c = err ? NULL : sock_new(AF_UNIX, s->type);
	if (!err && !c)
		err = -ENOMEM;
	if (!err) {
		c->name = l->name; /* an accepted socket is named as its listener */
		c->peer = s;
		c->state = CONNECTED;
		s->peer = c;
		s->state = CONNECTED;
		c->peer_name = s->name;
		c->peer_pid = s->pid;
		c->peer_uid = s->uid;
		c->peer_gid = s->gid;
		s->peer_name = c->name;
		s->peer_pid = l->peer_pid; /* the listener's, from its listen */
		s->peer_uid = l->peer_uid;
		s->peer_gid = l->peer_gid;
		listener_queue(l, c);
	}
	file_put(f);
	return deadlocked(err);
}

static int64_t do_accept(int fd, uint64_t uaddr, uint64_t ulen, int flags)
{
	struct usock *s;
	struct file *f;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	int err = sock_get(fd, &s, &f);
	if (err)
		return err;
	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (s->state != LISTENING)
		return -EINVAL;
	f->refs++;
	/* connections queued before a shutdown are still taken, as Linux's */
	while (!s->pending && !err) {
		if (s->rd_shut)
			err = -EINVAL;
		else if (f->flags & O_NONBLOCK)
			err = -EAGAIN;
		else
			err = wait_change(s, 0,
					  "accept with no other thread to connect (a deadlock)");
		if (!err && s->state != LISTENING)
			err = -EINVAL;
	}
	struct usock *c = err ? NULL : s->pending;
	if (c) {
		int nfd = make_file(c, (uint32_t)flags, flags & SOCK_CLOEXEC);
		if (nfd < 0) { /* the connection stays queued, as Linux's */
			err = nfd == -ENFILE ? -ENOMEM : nfd;
		} else {
			s->pending = c->next_pending;
			if (!s->pending)
				s->pending_tail = NULL;
			c->next_pending = NULL;
			s->npending--;
			c->passcred = s->passcred; /* inherited, as Linux's */
			waitq_wake(&s->wq); /* room for a waiting connect */
			err = uaddr ? addr_to_user(&c->peer_name, uaddr, ulen) : 0;
			err = err ? err : nfd; /* (the descriptor stays, as Linux's) */
		}
	}
	file_put(f);
	return deadlocked(err);
}

SYSCALL_DEFINE3(accept, int, fd, uint64_t, uaddr, uint64_t, ulen)
{
	return do_accept(fd, uaddr, ulen, 0);
}

SYSCALL_DEFINE4(accept4, int, fd, uint64_t, uaddr, uint64_t, ulen, int, flags)
{
	return do_accept(fd, uaddr, ulen, flags);
}

/* --- sending --- */

/* EPIPE; for a stream that sent nothing, SIGPIPE too unless MSG_NOSIGNAL
 * (Linux's datagram and sequenced-packet sockets send none). */
static int64_t broken(const struct usock *s, int flags, int64_t done)
{
	if (done)
		return done;
	if (stream(s) && !(flags & MSG_NOSIGNAL))
		signal_send(SIGPIPE, SI_USER);
	return -EPIPE;
}

/* Where a send goes: the name given (datagrams), or the peer. */
static int64_t destination(struct usock *s, const struct uaddr *to, int flags, int64_t done,
			   struct usock **dst)
{
	if (to && to->len && s->type == SOCK_STREAM)
		return s->state == CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (s->type == SOCK_SEQPACKET && s->state != CONNECTED)
		return -ENOTCONN; /* (its names are ignored, as Linux's) */
	if (to && to->len && s->type == SOCK_DGRAM) {
		int err = lookup(to, s->type, dst);
		if (err)
			return err;
	} else if (s->type == SOCK_DGRAM) {
		*dst = s->peer;
		if (!*dst && s->peer_gone) {
			s->peer_gone = false; /* said once, then ENOTCONN, as Linux */
			s->state = UNCONNECTED;
			return -ECONNREFUSED;
		}
		if (!*dst)
			return -ENOTCONN;
	} else {
		*dst = s->peer;
		if (!*dst && s->state != CONNECTED)
			return -ENOTCONN;
	}
	if (s->wr_shut || !*dst || (*dst)->rd_shut)
		return broken(s, flags, done);
	if (s->type == SOCK_DGRAM && (*dst)->peer && (*dst)->peer != s)
		return -EPERM; /* it takes datagrams from its peer alone */
	return 0;
}

/* inet_destination's: the bytes are sent, and go nowhere (no count, no
 * errno: below every -errno). */
#define GOES_NOWHERE (-((int64_t)1 << 40))

/* Where a TCP or UDP send of total bytes goes, and the sender's name the
 * receiver sees (a datagram's; none for a stream's bytes): 0, an error,
 * or GOES_NOWHERE. TCP ignores a name, as Linux's; its errors are an
 * earlier reset's (once), then EPIPE. A datagram to a port nothing is
 * bound to is lost, and for a connected socket the port-unreachable
 * answer makes its next call ECONNREFUSED, as Linux's. */
static int64_t inet_destination(struct usock *s, const struct uaddr *to, int flags, int64_t done,
				int64_t total, struct usock **dst, struct uaddr *from)
{
	if (stream(s)) {
		if (s->err && !done) {
			int e = s->err;
			s->err = 0;
			return e == EPIPE ? broken(s, flags, 0) : -e;
		}
		if (s->state != CONNECTED || s->wr_shut ||
		    (!s->peer && (!s->in.reset_next || done)))
			return broken(s, flags, done);
		if (!s->peer && !total)
			return GOES_NOWHERE; /* nothing sent: no reset drawn */
		if (!s->peer) { /* the peer closed: its reset comes back */
			s->in.reset_next = false;
			s->in.reset = true;
			s->wr_shut = true;
			inet_error(s, EPIPE);
			return GOES_NOWHERE;
		}
		*dst = s->peer;
		from->len = 0;
		return 0;
	}
	/* UDP: a port first, whatever follows (Linux's inet_send_prepare) */
	if (!s->in.local.port && inet_autobind(s))
		return -EAGAIN;
	struct inet_name dest, src;
	bool none = true; /* no name: the connected peer */
	int bad = to && to->len ? udp_dest(s, to, &dest, &none) : 0;
	if (bad)
		return bad;
	if (!none && !dest.port)
		return -EINVAL;
	if (none && s->state != CONNECTED)
		return -EDESTADDRREQ;
	if (none)
		dest = s->in.remote;
	if (total > (inet_is_v4(&dest) ? UDP_MAX_V4 : UDP_MAX_V6))
		return -EMSGSIZE;
	int64_t err = inet_source(s, &dest, false);
	if (err)
		return err;
	if (s->err) { /* a pending error, after the send's own checks, as Linux's */
		int e = s->err;
		s->err = 0;
		return -e;
	}
	if (s->wr_shut)
		return broken(s, flags, 0);
	src = s->in.local;
	if (inet_is_any(&src))
		inet_loopback(&src, inet_is_v4(&dest));
	*dst = inet_lookup(SOCK_DGRAM, &dest, &src);
	if (!*dst) {
		/* the port-unreachable answer finds the socket connected there */
		if (s->state == CONNECTED && dest.port == s->in.remote.port &&
		    inet_same_addr(&dest, &s->in.remote))
			inet_error(s, ECONNREFUSED);
		return GOES_NOWHERE;
	}
	from->len = inet_name_format((*dst)->family, &src, (uint8_t *)from->bytes);
	return 0;
}

#define STREAM_CHUNK 4096 /* a stream's chunks hold this much, small writes joined */

/* Room in dst for a chunk of n bytes (a datagram's; a stream's at least
 * one byte): a receiver not connected back takes Linux's max_dgram_qlen
 * (10) + 1 datagrams. */
static uint64_t room_in(const struct usock *dst, const struct usock *from)
{
	if (!inet(dst) && dst->type == SOCK_DGRAM && dst->peer != from && dst->count > 10)
		return 0;
	return dst->bytes < SOCK_BUF ? SOCK_BUF - dst->bytes : 0;
}

static bool creds_equal(const struct creds *a, const struct creds *b)
{
	return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

/* Whether a stream's send may append to chunk t: not one with files, nor
 * one from other credentials, nor a send with files. */
static bool can_append(const struct chunk *t, const struct scm *scm)
{
	return t && !t->fds && !scm->fds && creds_equal(&t->creds, &scm->creds);
}

/* Append n bytes of the vector to dst's queue as one chunk, or for a
 * stream partly into its last chunk's spare room (can_append). The chunk
 * takes scm's files, if any, and dst's buffer is charged for them; `from`
 * is the sender's name the receiver sees. */
static int enqueue(struct usock *dst, struct usock *s, struct iter *it, uint64_t n, struct scm *scm,
		   const struct uaddr *from)
{
	struct chunk *t = dst->tail;
	if (stream(s) && can_append(t, scm) && t->cap - t->len >= n) {
		if (iter_copy(it, t->data + t->len, n, false))
			return -EFAULT;
		t->len += (uint32_t)n;
		return 0;
	}
	/* (a chunk with files never grows: no spare room) */
	uint64_t cap = stream(s) && n < STREAM_CHUNK && !scm->fds ? STREAM_CHUNK : n;
	struct chunk *c = kmalloc(sizeof *c + cap);
	if (!c)
		return -ENOMEM;
	*c = (struct chunk){NULL, (uint32_t)n, 0, (uint32_t)cap, *from, scm->creds, NULL, 0, {}};
	if (iter_copy(it, c->data, n, false)) {
		kfree(c);
		return -EFAULT;
	}
	c->fds = scm->fds; /* the first chunk of a send carries them */
	c->extra = batch_size(scm->fds);
	scm->fds = NULL;
	queue_add(dst, c);
	return 0;
}

static int64_t do_send(struct usock *s, struct file *f, struct iter *it, const struct uaddr *to,
		       int flags, struct scm *scm)
{
	struct usock *dst;
	int64_t done = 0, total = (int64_t)it->left;
	bool nonblock =
	    (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT) || current_thread()->io_nowait;
	uint64_t deadline = deadline_of(s->sndtimeo);
	struct uaddr from;
	if (s->family == AF_NETLINK)
		return nl_send(s, it, to, total);

	int64_t err = inet(s) ? inet_destination(s, to, flags, 0, total, &dst, &from)
			      : destination(s, to, flags, 0, &dst);
	if (err == GOES_NOWHERE)
		return total;
	if (err)
		return err;
	/* Linux's unix_maybe_add_creds: either end with SO_PASSCRED, or a
	 * connection not yet accepted (whose socket may inherit it) */
	if (!inet(s) && !scm->creds.pid && (s->passcred || dst->passcred || !dst->file)) {
		struct proc *p = current_proc();
		scm->creds = (struct creds){p->pid, p->uid.r, p->gid.r};
	}
	if (!inet(s) && !stream(s) && s->passcred && !s->name.len)
		autobind(s); /* so that the receiver sees who sent it, as Linux */
	if (!inet(s))
		from = s->name;
	if (!stream(s) && total > s->sndbuf - 32)
		return -EMSGSIZE;
	if (stream(s) && !total)
		return 0; /* nothing is sent (nor its files, as Linux) */
	for (;;) {
		uint64_t room = room_in(dst, s), n = (uint64_t)(total - done);
		bool fits;
		if (stream(s)) {
			/* what fits: into the last chunk's spare room, or a new one */
			struct chunk *t = dst->tail;
			uint64_t spare = can_append(t, scm) ? t->cap - t->len : 0;
			uint64_t cost = CHUNK_COST(0) + batch_size(scm->fds);
			uint64_t fresh = room > cost ? room - cost : 0;
			n = n < spare ? n : n < fresh ? n : spare > fresh ? spare : fresh;
			n = n > 65536 ? 65536 : n;
			fits = n > 0;
		} else {
			/* (an empty queue takes any message the sender may send) */
			fits = room >= CHUNK_COST(n) + batch_size(scm->fds) || !dst->count;
		}
		if (!fits && inet(s) && !stream(s))
			return total; /* a full UDP socket loses what comes, as Linux's */
		if (fits) {
			if ((err = enqueue(dst, s, it, n, scm, &from)))
				return done ? done : err;
			done += n;
			wake(dst, true);
			if (done == total)
				return done;
			continue;
		}
		if (nonblock)
			return done ? done : -EAGAIN;
		sock_hold(dst); /* it may be closed while this thread waits */
		err = wait_change(dst, deadline,
				  "send to a full socket that no other thread reads (a deadlock)");
		sock_put(dst);
		/* the peer closed with data unread: as Linux, first (TCP's:
		 * inet_destination's, which raises SIGPIPE for EPIPE, or after
		 * some bytes, the next call's) */
		if (!err && s->err && !inet(s)) {
			err = -s->err;
			s->err = 0;
		}
		/* dst may have gone meanwhile: look for it again */
		if (!err)
			err = inet(s) ? inet_destination(s, to, flags, done, total, &dst, &from)
				      : destination(s, to, flags, done, &dst);
		if (err == GOES_NOWHERE)
			return total;
		if (err)
			return done ? done : err;
	}
}

/* --- receiving --- */

/* Drop the chunks read whole (a stream's), or the first message; their
 * room wakes the senders waiting, and the peer's writers in epoll. */
static void consumed(struct usock *s, bool message)
{
	uint64_t freed = 0;
	/* (a message of 0 bytes has off == len before it is read) */
	for (bool one = message; s->head && (one || (!message && s->head->off == s->head->len));
	     one = false) {
		struct chunk *h = s->head;
		s->head = h->next;
		freed += CHUNK_COST(h->cap) + h->extra;
		s->count--;
		let_go(h->fds); /* (a receive has taken them: none left) */
		kfree(h);
	}
	if (!s->head)
		s->tail = NULL;
	s->bytes -= freed;
	if (!freed)
		return;
	if (s->peer && s->peer->file)
		s->peer->file->inode->wakes_out++;
	waitq_wake(&s->wq);
}

/* The files and credentials of chunk c to scm: taken from it, or with
 * MSG_PEEK a reference more to each (Linux's peek installs them too). */
static void take_scm(struct chunk *c, struct scm *scm, bool peek)
{
	if (!scm->has_creds) {
		scm->creds = c->creds;
		scm->has_creds = true;
	}
	if (!c->fds)
		return;
	if (!peek) {
		scm->fds = c->fds;
		c->fds = NULL;
		return;
	}
	struct fdbatch *b = kmalloc(batch_size(c->fds));
	if (!b)
		return; /* no memory: the peek shows no files */
	memcpy(b, c->fds, batch_size(c->fds));
	for (int i = 0; i < b->n; i++)
		b->f[i]->refs++;
	scm->fds = b;
}

static int64_t do_recv(struct usock *s, struct file *f, struct iter *it, int flags,
		       struct uaddr *from, int *msg_flags, struct scm *scm)
{
	bool nonblock =
	    (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT) || current_thread()->io_nowait;
	uint64_t deadline = deadline_of(s->rcvtimeo);
	int64_t done = 0, want = (int64_t)it->left;

	if (inet(s) && stream(s) && s->state != CONNECTED && !s->head) {
		/* TCP not connected: a refused connect's error, once, the end
		 * after it, else ENOTCONN, as Linux's */
		int e = s->err;
		s->err = 0;
		return e ? -e : s->in.connect_failed && s->rd_shut ? 0 : -ENOTCONN;
	}
	if (s->type != SOCK_DGRAM && s->state != CONNECTED && !s->head)
		return s->type == SOCK_STREAM ? -EINVAL : -ENOTCONN;
	for (;;) {
		struct chunk *c = s->head;
		if ((inet(s) || s->family == AF_NETLINK) && !stream(s) && s->err && !done) {
			int e = s->err; /* UDP's and netlink's before any datagram, as Linux's */
			s->err = 0;
			return -e;
		}
		if (c && stream(s)) {
			/* a stream: bytes across chunks, up to what is asked */
			if (from && !done)
				*from = c->from;
			bool files = false;
			for (; c && done < want && !files; c = c->next) {
				/* with SO_PASSCRED, never two senders' bytes in one read */
				if (s->passcred && scm->has_creds &&
				    !creds_equal(&c->creds, &scm->creds))
					break;
				uint64_t avail = c->len - c->off;
				uint64_t n = avail < (uint64_t)(want - done)
						 ? avail
						 : (uint64_t)(want - done);
				if (iter_copy(it, c->data + c->off, n, true))
					return done ? done : -EFAULT;
				done += n;
				if (!(flags & MSG_PEEK))
					c->off += n;
				files = c->fds; /* the read ends with a chunk's files */
				take_scm(c, scm, flags & MSG_PEEK);
			}
			if (!(flags & MSG_PEEK))
				consumed(s, false);
			if (done == want || !(flags & MSG_WAITALL) || (flags & MSG_PEEK) || files ||
			    (c && s->passcred && !creds_equal(&c->creds, &scm->creds)))
				return done;
			continue;
		}
		if (c) {
			/* one message: what fits, the rest dropped (MSG_TRUNC) */
			uint64_t n = c->len < (uint64_t)want ? c->len : want;
			if (iter_copy(it, c->data, n, true))
				return -EFAULT;
			if (from)
				*from = c->from;
			take_scm(c, scm, flags & MSG_PEEK);
			int64_t r = flags & MSG_TRUNC ? c->len : (int64_t)n;
			if (c->len > n && msg_flags)
				*msg_flags |= MSG_TRUNC;
			if (!(flags & MSG_PEEK))
				consumed(s, true);
			return r;
		}
		/* nothing queued: an error, the end, or a wait, in Linux's order
		 * (TCP's end, once its peer closed, before any error) */
		if (inet(s) && stream(s) && s->in.fin)
			return done;
		if (s->err && !done) {
			int e = s->err; /* a peer closed with data unread: once */
			s->err = 0;
			return -e;
		}
		if (s->rd_shut && (s->type != SOCK_DGRAM || !nonblock))
			return done; /* the end (a datagram socket's: only blocking) */
		if (nonblock)
			return done ? done : -EAGAIN;
		int err = wait_change(
		    s, deadline, "receive from a socket that no other thread writes (a deadlock)");
		if (err)
			return done ? done : err; /* MSG_WAITALL cut short: what came */
	}
}

/* A send's credentials when it gives none: none (pid 0, invalid ids),
 * until do_send finds SO_PASSCRED on either end (scm_own). */
static struct scm scm_default(void)
{
	return (struct scm){NULL, {0, UINT32_MAX, UINT32_MAX}, false};
}

/* read and write: recv and send with no flags (files that came with the
 * bytes read are closed, as Linux's). */
static int64_t sock_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct iter it;
	struct scm scm = {0};
	int64_t r = iter_one(&it, ubuf, n);
	if (!r) {
		f->refs++;
		r = do_recv(sock_of_file(f), f, &it, 0, NULL, NULL, &scm);
		file_put(f);
	}
	let_go(scm.fds);
	kfree(it.iov);
	return deadlocked(r);
}

static int64_t sock_write(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct iter it;
	struct scm scm = scm_default();
	int64_t r = iter_one(&it, ubuf, n);
	if (!r) {
		f->refs++;
		r = do_send(sock_of_file(f), f, &it, NULL, 0, &scm);
		file_put(f);
	}
	kfree(it.iov);
	return deadlocked(r);
}

struct msghdr_user {
	uint64_t name;
	uint32_t namelen, pad;
	uint64_t iov, iovlen, control, controllen;
	int32_t flags, pad2;
};

static int64_t sendmsg_common(int fd, struct iter *it, uint64_t uname, uint32_t namelen, int flags,
			      struct scm *scm)
{
	struct usock *s;
	struct file *f;
	struct uaddr to = {0};
	int64_t r = sock_get(fd, &s, &f);
	if (!r && uname && namelen)
		r = s->family != AF_UNIX ? raw_from_user(uname, namelen, &to)
					 : addr_from_user(uname, namelen, &to, false);
	if (r)
		return r;
	f->refs++;
	r = do_send(s, f, it, &to, flags, scm);
	file_put(f);
	return r;
}

SYSCALL_DEFINE6(sendto, int, fd, uint64_t, buf, size_t, len, int, flags, uint64_t, uaddr, uint32_t,
		alen)
{
	struct iter it;
	struct scm scm = scm_default();
	int64_t r = iter_one(&it, buf, len);
	if (!r)
		r = sendmsg_common(fd, &it, uaddr, alen, flags, &scm);
	kfree(it.iov);
	return deadlocked(r);
}

/* A sendmsg's control buffer, copied in as Linux's ____sys_sendmsg does
 * before the protocol sees it: ENOBUFS past INT_MAX or optmem_max
 * (Linux 6.1's), EFAULT. *buf: NULL for none, else the caller's to free. */
static int scm_copy(uint64_t control, uint64_t len, uint8_t **buf)
{
	*buf = NULL;
	if (len > 0x7fffffff || len >= OPTMEM_MAX)
		return len ? -ENOBUFS : 0;
	if (!len)
		return 0;
	if (!(*buf = kmalloc(len)))
		return -ENOBUFS;
	return copy_from_user(*buf, control, len) ? -EFAULT : 0;
}

/* The files the SCM_RIGHTS messages of a well-formed prefix of buf name
 * (the batch's size; scm_parse reports what is wrong). */
static int scm_count(const uint8_t *buf, uint64_t len)
{
	int n = 0;
	for (uint64_t off = 0, clen; off + CMSG_HDR <= len; off += CMSG_ALIGN(clen)) {
		int32_t level, type;
		memcpy(&clen, buf + off, 8);
		memcpy(&level, buf + off + 8, 4);
		memcpy(&type, buf + off + 12, 4);
		if (clen < CMSG_HDR || clen > len - off)
			break;
		if (level == SOL_SOCKET && type == SCM_RIGHTS)
			n += (int)((clen - CMSG_HDR) / 4);
	}
	return n < SCM_MAX_FD ? n : SCM_MAX_FD;
}

/* A sendmsg's control messages, Linux's __scm_send: each must lie within
 * the buffer (EINVAL); other levels than SOL_SOCKET are skipped; SCM_RIGHTS
 * takes a reference to each file (EBADF; at most SCM_MAX_FD in all:
 * EINVAL); SCM_CREDENTIALS must be exactly a struct ucred with valid ids
 * (EINVAL) that the sender may claim (its own, or any with an effective
 * uid of 0: EPERM), of a live pid (ESRCH); any other type is EINVAL. On
 * error the references taken are let go. */
static int scm_parse(const uint8_t *buf, uint64_t len, struct scm *scm, bool unix)
{
	struct proc *p = current_proc();
	int err = 0, nfds = buf ? scm_count(buf, len) : 0;
	if (nfds && !(scm->fds = kzalloc(sizeof *scm->fds + (size_t)nfds * sizeof scm->fds->f[0])))
		return -ENOBUFS;
	if (nfds)
		scm->fds->max = nfds;
	for (uint64_t off = 0; buf && !err && off + CMSG_HDR <= len;) {
		uint64_t clen;
		int32_t level, type;
		memcpy(&clen, buf + off, 8);
		memcpy(&level, buf + off + 8, 4);
		memcpy(&type, buf + off + 12, 4);
		if (clen < CMSG_HDR || clen > len - off) {
			err = -EINVAL;
			break;
		}
		const uint8_t *data = buf + off + CMSG_HDR;
		if (level != SOL_SOCKET) {
			/* skipped */
		} else if (!unix) {
			err = -EINVAL; /* files and credentials are Unix sockets' alone */
		} else if (type == SCM_RIGHTS) {
			int n = (int)((clen - CMSG_HDR) / 4);
			if (n > 0 && scm->fds->n + n > SCM_MAX_FD)
				err = -EINVAL;
			for (int i = 0; !err && i < n; i++) {
				int32_t fd;
				memcpy(&fd, data + 4 * i, 4);
				struct file *f = fd_get(fd); /* O_PATH ones too, as Linux */
				if (!f) {
					err = -EBADF;
					break;
				}
				f->refs++;
				scm->fds->f[scm->fds->n++] = f;
			}
		} else if (type == SCM_CREDENTIALS) {
			struct creds c;
			if (clen != CMSG_HDR + sizeof c) {
				err = -EINVAL;
				break;
			}
			memcpy(&c, data, sizeof c);
			bool root = p->uid.e == 0;
			if (c.uid == UINT32_MAX || c.gid == UINT32_MAX)
				err = -EINVAL;
			else if ((c.pid != p->pid && !root) ||
				 (c.uid != p->uid.r && c.uid != p->uid.e && c.uid != p->uid.s &&
				  !root) ||
				 (c.gid != p->gid.r && c.gid != p->gid.e && c.gid != p->gid.s &&
				  !root))
				err = -EPERM;
			else if (c.pid != p->pid && (c.pid <= 0 || !thread_find(c.pid)))
				err = -ESRCH;
			else
				scm->creds = c;
		} else {
			err = -EINVAL;
		}
		off += CMSG_ALIGN(clen);
	}
	if (err || (scm->fds && !scm->fds->n)) {
		let_go(scm->fds);
		scm->fds = NULL;
	}
	return err;
}

/* sendmsg's and recvmsg's start: the socket (EBADF, ENOTSOCK), then the
 * message header (EFAULT), in Linux's order. */
static int64_t msghdr_in(int fd, uint64_t umsg, struct msghdr_user *m)
{
	struct usock *s;
	int64_t r = sock_get(fd, &s, NULL);
	if (!r && copy_from_user(m, umsg, sizeof *m))
		r = -EFAULT;
	return r;
}

/* sendmsg of the message header at umsg: the bytes sent (*all: all that
 * were asked), or a negative errno (-EDEADLK for deadlocked). */
static int64_t send_one(int fd, uint64_t umsg, int flags, bool *all)
{
	struct msghdr_user m;
	int64_t r = msghdr_in(fd, umsg, &m);
	if (r)
		return r;
	struct iter it;
	struct scm scm = scm_default();
	uint8_t *ctl = NULL;
	r = iter_init(&it, m.iov, m.iovlen);
	uint64_t asked = it.left;
	if (!r)
		r = scm_copy(m.control, m.controllen, &ctl);
	struct usock *s = NULL;
	if (!r && sock_get(fd, &s, NULL))
		s = NULL;
	if (!r && s && s->type == SOCK_SEQPACKET) {
		/* Linux's seqpacket sendmsg looks at these before the messages */
		if (s->err) {
			r = -s->err;
			s->err = 0;
		} else if (s->state != CONNECTED) {
			r = -ENOTCONN;
		}
	}
	if (!r)
		r = scm_parse(ctl, m.controllen, &scm, !s || s->family == AF_UNIX);
	kfree(ctl);
	if (!r)
		r = sendmsg_common(fd, &it, m.name, m.namelen, flags, &scm);
	let_go(scm.fds); /* those not sent */
	kfree(it.iov);
	*all = r >= 0 && (uint64_t)r == asked;
	return r;
}

SYSCALL_DEFINE3(sendmsg, int, fd, uint64_t, umsg, int, flags)
{
	bool all;
	return deadlocked(send_one(fd, umsg, flags, &all));
}

/* struct mmsghdr: a message header, then the bytes it moved. */
#define MMSGHDR_SIZE 64
#define MMSG_LEN_AT 56
#define MSG_WAITFORONE 0x10000

/* A message's count r into its header's msg_len at `at`: r, -EFAULT, or
 * r's own error. */
static int64_t msg_len_out(uint64_t at, int64_t r)
{
	uint32_t len = (uint32_t)r;
	if (r >= 0 && copy_to_user(at + MMSG_LEN_AT, &len, sizeof len))
		return -EFAULT;
	return r;
}

/* sendmmsg, as Linux's: up to 1024 messages in order, each one's count in
 * its msg_len; it stops at an error, or at a message sent in part, and
 * returns how many went, or the first message's error. */
SYSCALL_DEFINE4(sendmmsg, int, fd, uint64_t, umsg, unsigned int, vlen, int, flags)
{
	struct usock *s;
	struct file *f;
	int64_t err = sock_get(fd, &s, &f);
	if (err)
		return err;
	if (vlen > IOV_MAX)
		vlen = IOV_MAX;
	f->refs++; /* the one socket for the whole call, as Linux's */
	unsigned done = 0;
	while (done < vlen) {
		bool all;
		uint64_t at = umsg + (uint64_t)done * MMSGHDR_SIZE;
		if (fd_get(fd) != f) { /* closed meanwhile by another thread */
			err = -EBADF;
			break;
		}
		int64_t r = msg_len_out(at, send_one(fd, at, flags, &all));
		if (r < 0) {
			err = r;
			break;
		}
		done++;
		if (!all)
			break;
	}
	file_put(f);
	if (err == -EDEADLK)
		return deadlocked(err);
	return done ? done : err;
}

/* The sender's name into a name buffer of `room` bytes: its length
 * (0: unnamed) into *namelen. */
static int name_out(const struct uaddr *from, uint64_t uname, uint32_t room, uint32_t *namelen)
{
	*namelen = from->len;
	uint32_t n = room < from->len ? room : from->len;
	return uname && n && copy_to_user(uname, from->bytes, n) ? -EFAULT : 0;
}

static int64_t recv_common(int fd, struct iter *it, int flags, int *msg_flags, struct uaddr *from,
			   struct scm *scm, bool *passcred)
{
	struct usock *s;
	struct file *f;
	int64_t r = sock_get(fd, &s, &f);
	if (r)
		return r;
	f->refs++;
	r = do_recv(s, f, it, flags, from, msg_flags, scm);
	*passcred = s->passcred && s->family == AF_UNIX;
	file_put(f);
	return r;
}

SYSCALL_DEFINE6(recvfrom, int, fd, uint64_t, buf, size_t, len, int, flags, uint64_t, uaddr,
		uint64_t, ulen)
{
	struct iter it;
	struct uaddr from = {0};
	struct scm scm = {0};
	bool passcred;
	int32_t room = 0;
	int64_t r = iter_one(&it, buf, len);
	if (!r)
		r = recv_common(fd, &it, flags, NULL, &from, &scm, &passcred);
	let_go(scm.fds); /* no room for them: closed, as Linux */
	kfree(it.iov);
	if (r < 0 || !uaddr)
		return deadlocked(r);
	/* the sender's name after the data, as Linux's (its length first) */
	uint32_t namelen;
	if (copy_from_user(&room, ulen, sizeof room))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	if (name_out(&from, uaddr, (uint32_t)room, &namelen) ||
	    copy_to_user(ulen, &namelen, sizeof namelen))
		return -EFAULT;
	return r;
}

/* Control messages going out into what is left of the program's buffer,
 * as Linux's put_cmsg and scm_detach_fds: cut short with MSG_CTRUNC; a
 * fault there stops them, and the receive still returns its bytes. */
struct cmsg_out {
	uint64_t at, room;
	int flags;
};

static void put_cmsg(struct cmsg_out *o, int type, const void *data, uint32_t len)
{
	uint64_t clen = CMSG_HDR + len;
	if (!o->at || o->room < CMSG_HDR) {
		o->flags |= MSG_CTRUNC;
		return;
	}
	if (o->room < clen) {
		o->flags |= MSG_CTRUNC;
		clen = o->room;
	}
	struct {
		uint64_t len;
		int32_t level, type;
	} h = {clen, SOL_SOCKET, type};
	if (copy_to_user(o->at, &h, CMSG_HDR) ||
	    copy_to_user(o->at + CMSG_HDR, data, clen - CMSG_HDR))
		return;
	uint64_t used = CMSG_ALIGN(CMSG_HDR + len) < o->room ? CMSG_ALIGN(CMSG_HDR + len) : o->room;
	o->at += used;
	o->room -= used;
}

/* New descriptors for the files that fit (each with a reference of its
 * own), their numbers in one SCM_RIGHTS message; the rest are closed. */
static void put_fds(struct cmsg_out *o, const struct fdbatch *b, bool cloexec)
{
	int fit = o->at && o->room > CMSG_HDR ? (int)((o->room - CMSG_HDR) / 4) : 0, i;
	for (i = 0; i < fit && i < b->n; i++) {
		b->f[i]->refs++;
		int fd = fd_install(b->f[i], 0, cloexec);
		if (fd < 0) {
			b->f[i]->refs--;
			break;
		}
		if (copy_to_user(o->at + CMSG_HDR + 4 * (uint64_t)i, &fd, 4)) {
			fd_close(fd); /* its reference: the batch's stays */
			break;
		}
	}
	if (i > 0) {
		struct {
			uint64_t len;
			int32_t level, type;
		} h = {CMSG_HDR + 4 * (uint64_t)i, SOL_SOCKET, SCM_RIGHTS};
		if (!copy_to_user(o->at, &h, CMSG_HDR)) {
			uint64_t used = CMSG_ALIGN(h.len) < o->room ? CMSG_ALIGN(h.len) : o->room;
			o->at += used;
			o->room -= used;
		}
	}
	if (i < b->n)
		o->flags |= MSG_CTRUNC;
}

static int64_t recv_one(int fd, uint64_t umsg, int flags);

SYSCALL_DEFINE3(recvmsg, int, fd, uint64_t, umsg, int, flags)
{
	return deadlocked(recv_one(fd, umsg, flags));
}

/* recvmmsg, as Linux's: a socket error pending first; then messages into
 * up to vlen headers, each one's count in its msg_len, MSG_WAITFORONE
 * making every receive after the first non-blocking. The timeout is
 * looked at only after each message (it bounds no wait, as Linux's), and
 * what is left of it written back. An error after some messages is kept
 * for the next call (SO_ERROR), unless it is EAGAIN. */
SYSCALL_DEFINE5(recvmmsg, int, fd, uint64_t, umsg, unsigned int, vlen, int, flags, uint64_t,
		utimeout)
{
	struct usock *s;
	struct file *f;
	uint64_t timeout = 0, end = 0;
	int64_t err;

	if (utimeout) {
		struct timespec_user ts;
		if (copy_from_user(&ts, utimeout, sizeof ts))
			return -EFAULT;
		if ((err = timespec_ns(&ts, 1, &timeout)))
			return err;
		end = deadline_after(timeout); /* (saturates) */
	}
	if ((err = sock_get(fd, &s, &f)))
		return err;
	if (s->err) { /* as Linux's sock_error: reported, and gone */
		err = -s->err;
		s->err = 0;
		return err;
	}
	f->refs++; /* the one socket for the whole call, as Linux's */
	unsigned done = 0;
	err = 0;
	while (done < vlen) {
		uint64_t at = umsg + (uint64_t)done * MMSGHDR_SIZE;
		if (fd_get(fd) != f) { /* closed meanwhile by another thread */
			err = -EBADF;
			break;
		}
		int64_t r = msg_len_out(at, recv_one(fd, at, flags & ~MSG_WAITFORONE));
		if (r < 0) {
			err = r;
			break;
		}
		done++;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (utimeout && time_ns() >= end)
			break;
	}
	if (done && err && err != -EAGAIN && err != -ERESTARTSYS && err != -EDEADLK)
		s->err = (int)-err; /* (s lives while its file is held) */
	file_put(f);
	if (err == -EDEADLK)
		return deadlocked(err);
	if (!done)
		return err;
	if (utimeout) {
		uint64_t now = time_ns(), left = now < end ? end - now : 0;
		struct timespec_user ts = {(int64_t)(left / NS_PER_SEC),
					   (int64_t)(left % NS_PER_SEC)};
		if (copy_to_user(utimeout, &ts, sizeof ts))
			return -EFAULT;
	}
	return done;
}

/* recvmsg into the message header at umsg: the bytes, or a negative errno
 * (-EDEADLK for deadlocked). */
static int64_t recv_one(int fd, uint64_t umsg, int flags)
{
	struct msghdr_user m;
	int64_t r = msghdr_in(fd, umsg, &m);
	if (r)
		return r;
	struct iter it;
	struct uaddr from = {0};
	struct scm scm = {0};
	bool passcred = false;
	int msg_flags = flags & MSG_CMSG_CLOEXEC; /* reported back, as Linux */
	r = iter_init(&it, m.iov, m.iovlen);
	if (!r)
		r = recv_common(fd, &it, flags, &msg_flags, &from, &scm, &passcred);
	kfree(it.iov);
	if (r < 0) {
		let_go(scm.fds);
		return r;
	}
	/* control messages, Linux's scm_recv: the credentials with
	 * SO_PASSCRED, then the files; none without a buffer */
	struct cmsg_out o = {m.control, m.control ? m.controllen : 0, 0};
	if (passcred) {
		struct creds c =
		    scm.has_creds ? scm.creds : (struct creds){0, UINT32_MAX, UINT32_MAX};
		if (c.uid == UINT32_MAX) /* none: the overflow ids, as Linux's */
			c.uid = OVERFLOW_ID;
		if (c.gid == UINT32_MAX)
			c.gid = OVERFLOW_ID;
		put_cmsg(&o, SCM_CREDENTIALS, &c, sizeof c);
	}
	if (scm.fds)
		put_fds(&o, scm.fds, flags & MSG_CMSG_CLOEXEC);
	let_go(scm.fds);
	msg_flags |= o.flags;
	/* the sender's name, cut to the room given */
	uint32_t namelen = 0;
	uint64_t used = m.control ? m.controllen - o.room : 0;
	if ((m.name && name_out(&from, m.name, m.namelen, &namelen)) ||
	    copy_to_user(umsg + __builtin_offsetof(struct msghdr_user, namelen), &namelen,
			 sizeof namelen) ||
	    copy_to_user(umsg + __builtin_offsetof(struct msghdr_user, flags), &msg_flags,
			 sizeof msg_flags) ||
	    copy_to_user(umsg + __builtin_offsetof(struct msghdr_user, controllen), &used,
			 sizeof used))
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	struct usock *s;
	int err = sock_get(fd, &s, NULL);
	if (err)
		return err;
	if (s->family == AF_NETLINK)
		return -EOPNOTSUPP;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (inet(s) && s->state == LISTENING)
		return how == SHUT_WR ? 0 : inet_disconnect(s); /* Linux's: it stops */
	bool closed = inet_closed(s);
	bool rd = how != SHUT_WR, wr = how != SHUT_RD;
	s->rd_shut |= rd;
	s->wr_shut |= wr;
	wake(s, true);
	struct usock *p = s->type == SOCK_DGRAM ? NULL : s->peer;
	if (p) { /* the other end: no more to read after ours stops writing */
		p->rd_shut |= wr;
		if (inet(p))
			p->in.fin |= wr; /* (TCP tells the peer nothing of SHUT_RD) */
		else
			p->wr_shut |= rd;
		wake(p, true);
		wake(p, false);
	}
	/* TCP and UDP: an unconnected or closed socket's is ENOTCONN, after it,
	 * as Linux's */
	return inet(s) && (s->state == UNCONNECTED || closed) ? -ENOTCONN : 0;
}

SYSCALL_DEFINE3(getsockname, int, fd, uint64_t, uaddr, uint64_t, ulen)
{
	struct usock *s;
	int err = sock_get(fd, &s, NULL);
	return err ? err : addr_to_user(&s->name, uaddr, ulen);
}

SYSCALL_DEFINE3(getpeername, int, fd, uint64_t, uaddr, uint64_t, ulen)
{
	struct usock *s;
	int err = sock_get(fd, &s, NULL);
	if (err)
		return err;
	if (s->family == AF_NETLINK)
		return addr_to_user(&s->peer_name, uaddr, ulen); /* the kernel's, or connect's */
	if (s->state != CONNECTED || inet_closed(s))
		return -ENOTCONN;
	return addr_to_user(&s->peer_name, uaddr, ulen); /* kept after the peer goes, as Linux */
}

/* --- options --- */

/* The option a program sets and reads back as it set it, or NULL. */
static int32_t *int_option(struct usock *s, int name)
{
	if (name == SO_REUSEPORT && inet(s))
		return &s->in.reuseport;
	switch (name) {
	case SO_SNDBUF:
		return &s->sndbuf;
	case SO_RCVBUF:
		return &s->rcvbuf;
	case SO_PASSCRED:
		return &s->passcred;
	case SO_REUSEADDR:
		return &s->reuseaddr;
	case SO_KEEPALIVE:
		return &s->keepalive;
	case SO_BROADCAST:
		return &s->broadcast;
	case SO_RCVLOWAT:
		return &s->rcvlowat;
	default:
		return NULL;
	}
}

/* A TCP or UDP socket's option of level IPPROTO_IP, IPPROTO_IPV6,
 * IPPROTO_TCP or IPPROTO_UDP: where it is kept, or NULL with *err:
 * ENOPROTOOPT for a name its level has not, and for a level its protocol
 * has not, ENOPROTOOPT too but where Linux's getsockopt on an IPv4
 * socket says EOPNOTSUPP. */
static int32_t *inet_option(struct usock *s, int level, int name, bool set, int *err)
{
	*err = -ENOPROTOOPT;
	if (level == IPPROTO_TCP && stream(s)) {
		switch (name) {
		case TCP_NODELAY:
			return &s->in.nodelay;
		case TCP_CORK:
			return &s->in.cork;
		case TCP_KEEPIDLE:
			return &s->in.keepidle;
		case TCP_KEEPINTVL:
			return &s->in.keepintvl;
		case TCP_KEEPCNT:
			return &s->in.keepcnt;
		case TCP_USER_TIMEOUT:
			return &s->in.user_timeout;
		default:
			return NULL;
		}
	}
	if (level == IPPROTO_UDP && !stream(s))
		return NULL; /* (UDP_CORK would join datagrams: not here) */
	if (level == IPPROTO_IP)
		return name == IP_TTL ? &s->in.ttl : name == IP_TOS ? &s->in.tos : NULL;
	if (level == IPPROTO_IPV6 && s->family == AF_INET6)
		return name == IPV6_V6ONLY	   ? &s->in.v6only
		       : name == IPV6_UNICAST_HOPS ? &s->in.hops
						   : NULL;
	if (!set && s->family == AF_INET)
		*err = -EOPNOTSUPP;
	return NULL;
}

/* Set it to v, Linux's ranges checked (EINVAL). */
static int inet_set_option(struct usock *s, int level, int name, int32_t v)
{
	int err;
	int32_t *at = inet_option(s, level, name, true, &err);
	if (!at)
		return err;
	bool ranged = true; /* (else a flag) */
	int32_t lo = 0, hi = 0;
	if (level == IPPROTO_TCP && (name == TCP_KEEPIDLE || name == TCP_KEEPINTVL))
		lo = 1, hi = 32767;
	else if (level == IPPROTO_TCP && name == TCP_KEEPCNT)
		lo = 1, hi = 127;
	else if (level == IPPROTO_TCP && name == TCP_USER_TIMEOUT)
		lo = 0, hi = 0x7fffffff;
	else if (name == (level == IPPROTO_IP ? IP_TTL : IPV6_UNICAST_HOPS) &&
		 level != IPPROTO_TCP && level != IPPROTO_UDP)
		lo = level == IPPROTO_IP ? 1 : 0, hi = 255,
		v = v == -1 ? 64 : v; /* -1: the default */
	else if (level == IPPROTO_IP) /* IP_TOS; TCP keeps the ECN bits its own */
		lo = 0, hi = 0x7fffffff, v = v & (stream(s) ? 0xfc : 0xff);
	else
		ranged = false;
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && s->in.local.port)
		return -EINVAL; /* bound already */
	if (ranged && (v < lo || v > hi))
		return -EINVAL;
	*at = ranged ? v : v != 0;
	return 0;
}

/* A netlink flag option (SOL_NETLINK) where it is kept, or NULL
 * (ENOPROTOOPT). The membership ones are setsockopt's alone. */
static int32_t *nl_option(struct usock *s, int name)
{
	switch (name) {
	case NETLINK_PKTINFO:
	case NETLINK_BROADCAST_ERROR:
	case NETLINK_LISTEN_ALL_NSID:
	case NETLINK_NO_ENOBUFS:
	case NETLINK_CAP_ACK:
	case NETLINK_EXT_ACK:
	case NETLINK_GET_STRICT_CHK:
		return &s->nl.opts[name];
	default:
		return NULL;
	}
}

struct timeval_user {
	int64_t sec, usec;
};

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, uint64_t, uval, uint64_t, ulen)
{
	struct usock *s;
	int err = sock_get(fd, &s, NULL);
	if (err)
		return err;
	int32_t len;
	if (copy_from_user(&len, ulen, sizeof len))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (s->family == AF_NETLINK && level != SOL_SOCKET) {
		int32_t *at = level == SOL_NETLINK ? nl_option(s, name) : NULL;
		uint32_t k = sizeof *at;
		if (!at)
			return -ENOPROTOOPT;
		if (len < (int32_t)k)
			return -EINVAL;
		if (copy_to_user(uval, at, k) || copy_to_user(ulen, &k, sizeof k))
			return -EFAULT;
		return 0;
	}
	if (level != SOL_SOCKET && !inet(s))
		return -EOPNOTSUPP;
	int32_t v, *stored = level == SOL_SOCKET ? int_option(s, name)
						 : inet_option(s, level, name, false, &err);
	if (!stored && level != SOL_SOCKET)
		return err;
	uint8_t out[16];
	uint32_t n = sizeof v;
	switch (stored ? -1 : name) {
	case -1:
		v = *stored;
		break;
	case SO_TYPE:
		v = s->family == AF_NETLINK ? s->nl.type : s->type;
		break;
	case SO_DOMAIN:
		v = s->family;
		break;
	case SO_PROTOCOL:
		v = !inet(s) ? 0 : stream(s) ? IPPROTO_TCP : IPPROTO_UDP;
		break;
	case SO_ERROR:
		v = s->err; /* taken, as Linux's */
		s->err = 0;
		break;
	case SO_ACCEPTCONN:
		v = s->state == LISTENING;
		break;
	case SO_PEERCRED: {
		/* the peer's process and credentials when it connected (a
		 * listener's own), or none: pid 0, ids -1 */
		int32_t cred[3] = {0, -1, -1};
		if (!inet(s) &&
		    ((s->state == CONNECTED && s->type != SOCK_DGRAM) || s->state == LISTENING))
			cred[0] = s->peer_pid, cred[1] = (int32_t)s->peer_uid,
			cred[2] = (int32_t)s->peer_gid;
		memcpy(out, cred, sizeof cred);
		n = sizeof cred;
		break;
	}
	case SO_LINGER:
		memcpy(out, s->linger, sizeof s->linger);
		n = sizeof s->linger;
		break;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo : s->sndtimeo;
		ns = ns == 1 ? 0 : ns; /* "no wait" reads back as none, as Linux's */
		struct timeval_user tv = {(int64_t)(ns / NS_PER_SEC),
					  (int64_t)(ns % NS_PER_SEC / 1000)};
		memcpy(out, &tv, sizeof tv);
		n = sizeof tv;
		break;
	}
	default:
		return -ENOPROTOOPT;
	}
	if (n == sizeof v)
		memcpy(out, &v, sizeof v);
	uint32_t k = (uint32_t)len < n ? (uint32_t)len : n;
	if (copy_to_user(uval, out, k) || copy_to_user(ulen, &k, sizeof k))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, uint64_t, uval, uint32_t, len)
{
	struct usock *s;
	int err = sock_get(fd, &s, NULL);
	if (err)
		return err;
	if (s->family == AF_NETLINK && level != SOL_SOCKET) {
		/* Linux's: an int (0 when shorter), a group of 1 to RTNLGRP_MAX
		 * joined or left (the first 32 show in the name), flags kept */
		int32_t v = 0, *at = nl_option(s, name);
		bool member = name == NETLINK_ADD_MEMBERSHIP || name == NETLINK_DROP_MEMBERSHIP;
		if (level != SOL_NETLINK || (!at && !member))
			return -ENOPROTOOPT;
		if (len >= sizeof v && copy_from_user(&v, uval, sizeof v))
			return -EFAULT;
		if (!member) {
			*at = v != 0;
			return 0;
		}
		if (v < 1 || v > RTNLGRP_MAX)
			return -EINVAL;
		if (v <= 32 && name == NETLINK_ADD_MEMBERSHIP)
			s->nl.groups |= 1u << (v - 1);
		else if (v <= 32)
			s->nl.groups &= ~(1u << (v - 1));
		nl_named(s);
		return 0;
	}
	if (level != SOL_SOCKET && inet(s)) {
		/* an int; IPv4's options take a byte too, as Linux's */
		int32_t v = 0;
		uint32_t n = len >= sizeof v ? sizeof v : level == IPPROTO_IP && len ? 1 : 0;
		if (!n)
			return -EINVAL;
		if (copy_from_user(&v, uval, n))
			return -EFAULT;
		return inet_set_option(s, level, name, v);
	}
	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		struct timeval_user tv;
		if (len < sizeof tv)
			return -EINVAL;
		if (copy_from_user(&tv, uval, sizeof tv))
			return -EFAULT;
		if (tv.usec < 0 || tv.usec >= 1000000)
			return -EDOM;
		/* Linux's: negative is no wait at all (kept as 1 ns), 0 or past
		 * its range none (0) */
		uint64_t ns = tv.sec < 0 ? 1
			      : (uint64_t)tv.sec > UINT64_MAX / NS_PER_SEC / 2
				  ? 0
				  : (uint64_t)tv.sec * NS_PER_SEC + (uint64_t)tv.usec * 1000;
		*(name == SO_RCVTIMEO ? &s->rcvtimeo : &s->sndtimeo) = ns;
		return 0;
	}
	if (name == SO_LINGER) {
		if (len < sizeof s->linger)
			return -EINVAL;
		if (copy_from_user(s->linger, uval, sizeof s->linger))
			return -EFAULT;
		s->linger[0] = s->linger[0] != 0; /* kept as a flag, as Linux's */
		return 0;
	}
	int32_t v;
	if (len < sizeof v)
		return -EINVAL;
	if (copy_from_user(&v, uval, sizeof v))
		return -EFAULT;
	int32_t *stored = int_option(s, name);
	if (!stored)
		return -ENOPROTOOPT;
	if (name == SO_SNDBUF || name == SO_RCVBUF) {
		/* Linux's: at most the default maximum (rmem_max, wmem_max),
		 * kept doubled, at least its minimum */
		uint32_t u = (uint32_t)v < SOCK_BUF ? (uint32_t)v : SOCK_BUF;
		int32_t least = name == SO_SNDBUF ? 4608 : 2304;
		*stored = (int32_t)(2 * u) > least ? (int32_t)(2 * u) : least;
	} else if (name == SO_RCVLOWAT) {
		*stored = v < 0 ? 0x7fffffff
			  : v	? v
				: 1; /* (kept; a receive returns what there is) */
	} else {
		*stored = v != 0;
	}
	return 0;
}

/* --- the file --- */

static unsigned sock_poll(struct file *f)
{
	struct usock *s = sock_of_file(f);
	unsigned r = 0;
	if (s->state == LISTENING) /* ready with a connection, or shut down */
		return (s->pending || s->rd_shut ? POLLIN | POLLRDNORM : 0) |
		       (s->rd_shut ? 0x2000 /* POLLRDHUP */ : 0) |
		       (s->rd_shut && s->wr_shut ? POLLHUP : 0);
	if (s->type != SOCK_DGRAM && s->state == UNCONNECTED)
		r |= POLLHUP; /* not connected yet, as Linux's */
	if (s->head || s->rd_shut)
		r |= POLLIN | POLLRDNORM;
	if (s->rd_shut)
		r |= 0x2000; /* POLLRDHUP */
	if (s->rd_shut && s->wr_shut)
		r |= POLLHUP;
	if (s->err)
		r |= POLLERR;
	struct usock *p = s->peer;
	if (!p || s->wr_shut || p->rd_shut || room_in(p, s) > CHUNK_COST(0))
		r |= POLLOUT | POLLWRNORM |		 /* room, or a write that fails at once */
		     (inet(s) && stream(s) ? 0 : 0x200); /* POLLWRBAND, but TCP's */
	return r;
}

/* The interface ioctls, on any socket, as Linux's: the loopback interface
 * ("lo", index 1), the only one there is (ENODEV for another name). */
#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCGIFADDR 0x8915
#define SIOCGIFDSTADDR 0x8917
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCGIFMETRIC 0x891d
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define SIOCGIFTXQLEN 0x8942

struct ifreq_user {
	char name[16];
	uint8_t u[24]; /* a sockaddr, or an int, a short */
};

/* An IPv4 address as a sockaddr_in into u. */
static void ifreq_in4(uint8_t *u, uint32_t be_addr)
{
	uint16_t family = AF_INET;
	memset(u, 0, 16);
	memcpy(u, &family, sizeof family);
	memcpy(u + 4, &be_addr, sizeof be_addr);
}

/* SIOCGIFCONF: "lo" and its IPv4 address, or with no buffer the room
 * that takes. */
static int64_t ifconf(uint64_t arg)
{
	struct {
		int32_t len, pad;
		uint64_t buf;
	} c;
	if (copy_from_user(&c, arg, sizeof c))
		return -EFAULT;
	int32_t used = sizeof(struct ifreq_user);
	if (c.buf) {
		struct ifreq_user r = {"lo", {0}};
		ifreq_in4(r.u, 0x0100007f);
		used = c.len >= (int32_t)sizeof r ? (int32_t)sizeof r : 0;
		if (used && copy_to_user(c.buf, &r, sizeof r))
			return -EFAULT;
	}
	return copy_to_user(arg, &used, sizeof used);
}

static int64_t ifreq_ioctl(const struct usock *s, uint64_t req, uint64_t arg)
{
	struct ifreq_user r;
	if (req == SIOCGIFCONF)
		return ifconf(arg);
	if (copy_from_user(&r, arg, sizeof r))
		return -EFAULT;
	if (req == SIOCGIFNAME) {
		int32_t index;
		memcpy(&index, r.u, sizeof index);
		if (index != LO_INDEX)
			return -ENODEV;
		memcpy(r.name, "lo", 3); /* (the rest of the name as it came) */
		return copy_to_user(arg, &r, sizeof r);
	}
	/* the address ones are IPv4 sockets' (inet_ioctl's) */
	bool address = req == SIOCGIFADDR || req == SIOCGIFDSTADDR || req == SIOCGIFBRDADDR ||
		       req == SIOCGIFNETMASK;
	if (address && s->family != AF_INET)
		return -ENOTTY;
	/* "lo:LABEL", an alias, is lo to all but the address ones, which
	 * find no address of that label, as Linux's */
	r.name[sizeof r.name - 1] = 0;
	bool alias = !strncmp(r.name, "lo:", 3);
	if (strcmp(r.name, "lo") && !alias)
		return -ENODEV;
	if (alias && address)
		return -EADDRNOTAVAIL;
	/* the answer's field alone is written, the rest given back as it came */
	int32_t v = 0;
	uint32_t n = sizeof v;
	switch (req) {
	case SIOCGIFFLAGS:
		v = LO_IFF;
		n = 2; /* a short */
		break;
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
		ifreq_in4(r.u, 0x0100007f); /* 127.0.0.1 */
		break;
	case SIOCGIFBRDADDR:
		ifreq_in4(r.u, 0); /* none */
		break;
	case SIOCGIFNETMASK:
		ifreq_in4(r.u, 0x000000ff); /* 255.0.0.0 */
		break;
	case SIOCGIFMETRIC:
		break;
	case SIOCGIFMTU:
		v = LO_MTU;
		break;
	case SIOCGIFHWADDR:
		v = ARPHRD_LOOPBACK; /* sa_family, then a 6-byte address of zeros */
		memset(r.u + 4, 0, 4);
		break;
	case SIOCGIFINDEX:
		v = LO_INDEX;
		break;
	case SIOCGIFTXQLEN:
		v = LO_TXQLEN;
		break;
	default:
		return -ENOTTY;
	}
	if (!address)
		memcpy(r.u, &v, n);
	return copy_to_user(arg, &r, sizeof r);
}

/* A request that would change the interface: EPERM from the families
 * Linux takes it from (ENOTTY from the others, EINVAL for SIOCSIFPFLAGS
 * on IPv4), 0 for any other request. */
static int ifreq_changes(const struct usock *s, uint64_t req)
{
	switch (req) {
	case 0x8914: /* SIOCSIFFLAGS, SIOCSIFMETRIC, SIOCSIFMTU, SIOCSIFNAME, */
	case 0x891e: /* SIOCSIFHWADDR, SIOCSIFSLAVE, SIOCADDMULTI, */
	case 0x8922: /* SIOCDELMULTI, SIOCSIFHWBROADCAST, SIOCSIFTXQLEN, */
	case 0x8923: /* SIOCSIFMAP: any family's */
	case 0x8924:
	case 0x8930:
	case 0x8931:
	case 0x8932:
	case 0x8937:
	case 0x8943:
	case 0x8971:
		return -EPERM;
	case 0x8916: /* SIOCSIFADDR: IPv4's and IPv6's */
		return s->family == AF_INET || s->family == AF_INET6 ? -EPERM : -ENOTTY;
	case 0x8936: /* SIOCDIFADDR: IPv6's */
		return s->family == AF_INET6 ? -EPERM : -ENOTTY;
	case 0x8918: /* SIOCSIFDSTADDR, SIOCSIFBRDADDR, SIOCSIFNETMASK: IPv4's */
	case 0x891a:
	case 0x891c:
		return s->family == AF_INET ? -EPERM : -ENOTTY;
	case 0x8934: /* SIOCSIFPFLAGS */
		return s->family == AF_INET ? -EINVAL : -ENOTTY;
	default:
		return 0;
	}
}

static int64_t sock_ioctl(struct file *f, uint64_t req, uint64_t arg)
{
	struct usock *s = sock_of_file(f);
	int err = ifreq_changes(s, req);
	if (err)
		return err; /* the loopback interface is as it is */
	if (req >= SIOCGIFNAME && req <= SIOCGIFTXQLEN)
		return ifreq_ioctl(s, req, arg);
	if (req != FIONREAD || s->family == AF_NETLINK)
		return -ENOTTY;
	if (s->state == LISTENING)
		return -EINVAL;
	int32_t n = !stream(s) && s->head ? (int32_t)s->head->len : 0;
	for (struct chunk *c = s->head; c && stream(s); c = c->next)
		n += (int32_t)(c->len - c->off);
	return copy_to_user(arg, &n, sizeof n);
}

const struct dev_ops sock_ops = {
    .read = sock_read,
    .write = sock_write,
    .ioctl = sock_ioctl,
    .poll = sock_poll,
    .open = anon_open,
    .release = sock_release,
    .may_change = poll_never_changes,
    .pollers = true, /* another thread's send or receive wakes poll */
};

/* A socket file in the tree: opening it is ENXIO, as Linux's. */
const struct dev_ops sockfile_ops = {.open = anon_open};
