/*
 * POSIX message queues: mq_open, mq_unlink, mq_timedsend, mq_timedreceive,
 * mq_notify and mq_getsetattr, with Linux's checks in Linux's order and the
 * limits it gives a process without CAP_SYS_RESOURCE (the fs.mqueue
 * defaults: 10 messages of 8192 bytes at most, 256 queues). A queue
 * is an inode outside the tree (so fstat and close work as on any fd), with
 * its names in a list of their own, as in Linux's mqueue filesystem. There
 * is one thread: a send to a full queue or a receive from an empty one
 * without O_NONBLOCK waits out its timeout, or, with none, could never end
 * and ends the program instead (as futex and pipes do).
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "printf.h"
#include "proc.h"
#include "syscall.h"
#include "timer.h"

#define MQ_PRIO_MAX 32768
#define MSG_MAX 10	 /* fs.mqueue.msg_max and msg_default */
#define MSGSIZE_MAX 8192 /* fs.mqueue.msgsize_max and msgsize_default */
#define QUEUES_MAX 256	 /* fs.mqueue.queues_max */
#define MSG_OVERHEAD 48	 /* Linux's struct msg_msg, charged per message slot */
#define NODE_OVERHEAD 48 /* its posix_msg_tree_node, per priority in use */
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SI_MESGQ (-3)

struct mq_attr_user {
	int64_t flags, maxmsg, msgsize, curmsgs;
	int64_t reserved[4];
};

struct msg {
	struct msg *next;
	uint32_t prio;
	uint64_t len;
	uint8_t data[];
};

struct mqueue {
	struct msg *head; /* highest priority first; oldest first within one */
	int64_t maxmsg, msgsize, curmsgs;
	uint64_t bytes; /* charged against RLIMIT_MSGQUEUE */
	bool notify;	 /* a process is registered for notification */
	int notify_kind; /* SIGEV_SIGNAL or SIGEV_NONE */
	int notify_sig;	 /* 0 for SIGEV_NONE */
};

struct mq_name {
	char *name;
	struct inode *ip;
	struct mq_name *next;
};

static struct mq_name *names;
static uint64_t charged; /* bytes of every queue, against RLIMIT_MSGQUEUE */
static unsigned queues;	 /* that exist, named or still open */

void mqueue_free(struct mqueue *mq)
{
	while (mq->head) {
		struct msg *m = mq->head;
		mq->head = m->next;
		kfree(m);
	}
	charged -= mq->bytes;
	queues--;
	kfree(mq);
}

void mqueue_reset(void)
{
	while (names) {
		struct mq_name *n = names;
		names = n->next;
		kfree(n->name);
		kfree(n);
	} /* charged and queues drop to 0 as fs_destroy frees the inodes */
}

/* Copy in a queue name (glibc has removed the leading '/'): -ENOENT if
 * empty, as Linux's getname says. */
static int name_from_user(char *buf, uint64_t uname)
{
	int err = path_from_user(buf, uname);
	if (!err && (strchr(buf, '/') || !strcmp(buf, ".") || !strcmp(buf, "..")))
		return -EACCES; /* what Linux's lookup in the mqueue filesystem says */
	if (!err && strlen(buf) > NAME_MAX)
		return -ENAMETOOLONG;
	return err;
}

static struct mq_name **find(const char *name)
{
	struct mq_name **pp = &names;
	while (*pp && strcmp((*pp)->name, name))
		pp = &(*pp)->next;
	return pp;
}

/* Linux's mq_attr_ok and the RLIMIT_MSGQUEUE charge, for a new queue. */
static int check_attr(const struct mq_attr_user *a, uint64_t *bytes)
{
	if (a->maxmsg <= 0 || a->msgsize <= 0)
		return -EINVAL;
	if (a->maxmsg > MSG_MAX || a->msgsize > MSGSIZE_MAX)
		return -EINVAL;
	uint64_t tree =
	    (uint64_t)a->maxmsg * MSG_OVERHEAD +
	    (uint64_t)(a->maxmsg < MQ_PRIO_MAX ? a->maxmsg : MQ_PRIO_MAX) * NODE_OVERHEAD;
	*bytes = tree + (uint64_t)a->maxmsg * (uint64_t)a->msgsize;
	if (charged + *bytes > proc_rlimit(RLIMIT_MSGQUEUE).cur)
		return -EMFILE;
	return 0;
}

static int create(const char *name, uint32_t mode, const struct mq_attr_user *attr,
		  struct inode **out)
{
	struct mq_attr_user dflt = {.maxmsg = MSG_MAX, .msgsize = MSGSIZE_MAX};
	uint64_t bytes;
	int err = check_attr(attr ? attr : &dflt, &bytes);
	if (err)
		return err;
	if (queues >= QUEUES_MAX)
		return -ENOSPC;
	struct mq_name *n = kzalloc(sizeof *n);
	struct mqueue *mq = kzalloc(sizeof *mq);
	char *copy = kmalloc(strlen(name) + 1);
	struct inode *ip =
	    n && mq && copy ? inode_new(S_IFREG | (mode & 0777 & ~fs_umask())) : NULL;
	if (!ip) {
		kfree(n), kfree(mq), kfree(copy);
		return -ENOMEM;
	}
	if (!attr)
		attr = &dflt;
	mq->maxmsg = attr->maxmsg, mq->msgsize = attr->msgsize, mq->bytes = bytes;
	charged += bytes;
	queues++;
	ip->mq = mq;
	ip->nlink = 1; /* its name */
	strlcpy(copy, name, strlen(name) + 1);
	*n = (struct mq_name){copy, ip, names};
	names = n;
	*out = ip;
	return 0;
}

unsigned mqueue_poll(const struct mqueue *mq)
{
	return (mq->curmsgs ? POLLIN | POLLRDNORM : 0) |
	       (mq->curmsgs < mq->maxmsg ? POLLOUT | POLLWRNORM : 0);
}

int64_t mqueue_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	const struct mqueue *mq = f->inode->mq;
	char text[96];
	uint64_t qsize = 0;

	for (const struct msg *m = mq->head; m; m = m->next)
		qsize += m->len;
	int len = ksnprintf(text, sizeof text, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
			    qsize, mq->notify ? mq->notify_kind : 0, mq->notify ? mq->notify_sig : 0,
			    mq->notify ? 1 : 0);
	if (f->off >= (uint64_t)len)
		return 0;
	if (n > (uint64_t)len - f->off)
		n = (uint64_t)len - f->off;
	if (copy_to_user(ubuf, text + f->off, n))
		return -EFAULT;
	f->off += n;
	return (int64_t)n;
}

SYSCALL_DEFINE4(mq_open, uint64_t, uname, int, oflag, uint32_t, mode, uint64_t, uattr)
{
	char name[PATH_MAX];
	struct mq_attr_user attr;
	struct inode *ip;

	if (uattr && copy_from_user(&attr, uattr, sizeof attr))
		return -EFAULT;
	int err = name_from_user(name, uname);
	if (err)
		return err;
	struct mq_name *n = *find(name);
	if (!n) {
		if (!(oflag & O_CREAT))
			return -ENOENT;
		err = create(name, mode, (oflag & O_CREAT) && uattr ? &attr : NULL, &ip);
		if (err)
			return err;
	} else {
		if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		if ((oflag & O_ACCMODE) == O_ACCMODE)
			return -EINVAL;
		ip = n->ip;
	}
	struct file *f = file_open_inode(ip, (uint32_t)oflag & (O_ACCMODE | O_NONBLOCK));
	if (!f)
		return -ENOMEM;
	int fd = fd_install(f, 0, true); /* Linux makes every queue descriptor close-on-exec */
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE1(mq_unlink, uint64_t, uname)
{
	char name[PATH_MAX];
	int err = name_from_user(name, uname);
	if (err)
		return err;
	struct mq_name **pp = find(name), *n = *pp;
	if (!n)
		return -ENOENT;
	*pp = n->next;
	n->ip->nlink = 0;
	inode_get(n->ip); /* and put: freed now unless a descriptor holds it */
	inode_put(n->ip);
	kfree(n->name);
	kfree(n);
	return 0;
}

/* The queue behind fd, open for `acc` (O_RDONLY to read, O_WRONLY to write). */
static int queue_of(int fd, int acc, struct file **fp)
{
	struct file *f = fd_get(fd);
	if (!f || !f->inode->mq)
		return -EBADF;
	uint32_t mode = f->flags & O_ACCMODE;
	if (acc >= 0 && mode != O_RDWR && mode != (uint32_t)acc)
		return -EBADF;
	*fp = f;
	return 0;
}

/* An absolute CLOCK_REALTIME timeout (uts; 0: none) as a time_ns()
 * deadline. */
static int deadline_of(uint64_t uts, uint64_t *deadline)
{
	uint64_t t;
	int err = uts ? timespec_from_user(uts, 1, &t) : 0;
	*deadline = err || !uts ? SIGNAL_NO_DEADLINE : deadline_at_realtime(t);
	return err;
}

/* Nothing else can send or receive: only a signal handler can, so wait for
 * a signal (the call restarts after an SA_RESTART handler; the deadline is
 * absolute) or the deadline, or end the program if neither can come. */
static int64_t wait_in_vain(uint64_t deadline, const char *what)
{
	return signal_wait_or_end(deadline, what) ? -ERESTARTSYS : -ETIMEDOUT;
}

SYSCALL_DEFINE5(mq_timedsend, int, fd, uint64_t, ubuf, size_t, len, uint32_t, prio, uint64_t, uts)
{
	uint64_t deadline;
	struct file *f;
	int err = deadline_of(uts, &deadline);

	if (err)
		return err;
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	if ((err = queue_of(fd, O_WRONLY, &f)))
		return err;
	struct mqueue *mq = f->inode->mq;
	if (len > (uint64_t)mq->msgsize)
		return -EMSGSIZE;
	struct msg *m = kmalloc(sizeof *m + len);
	if (!m)
		return -ENOMEM;
	if (copy_from_user(m->data, ubuf, len)) {
		kfree(m);
		return -EFAULT;
	}
	if (mq->curmsgs == mq->maxmsg) {
		kfree(m);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		return wait_in_vain(deadline,
				    "mq_timedsend to a full queue that only it reads (a deadlock)");
	}
	m->prio = prio, m->len = len;
	struct msg **pp = &mq->head;
	while (*pp && (*pp)->prio >= m->prio)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
	if (mq->curmsgs++ == 0 && mq->notify) { /* the empty queue got a message */
		mq->notify = false;
		if (mq->notify_sig)
			signal_send(mq->notify_sig, SI_MESGQ);
	}
	f->inode->mtime = f->inode->ctime = fs_now();
	return 0;
}

SYSCALL_DEFINE5(mq_timedreceive, int, fd, uint64_t, ubuf, size_t, len, uint64_t, uprio, uint64_t, uts)
{
	uint64_t deadline;
	struct file *f;
	int err = deadline_of(uts, &deadline);

	if (err || (err = queue_of(fd, O_RDONLY, &f)))
		return err;
	struct mqueue *mq = f->inode->mq;
	if (len < (uint64_t)mq->msgsize)
		return -EMSGSIZE;
	if (mq->curmsgs == 0) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		return wait_in_vain(
		    deadline,
		    "mq_timedreceive from an empty queue that only it writes (a deadlock)");
	}
	struct msg *m = mq->head;
	mq->head = m->next;
	mq->curmsgs--;
	f->inode->atime = fs_now();
	int64_t r = (int64_t)m->len;
	uint32_t prio = m->prio;
	/* As on Linux, a message that cannot be stored is lost. */
	if ((uprio && copy_to_user(uprio, &prio, sizeof prio)) ||
	    copy_to_user(ubuf, m->data, m->len))
		r = -EFAULT;
	kfree(m);
	return r;
}

/* SIGEV_NONE and SIGEV_SIGNAL (to ourselves, the only process); a NULL
 * sigevent removes the registration. SIGEV_THREAD needs a netlink socket,
 * which glibc opens first and we lack. */
SYSCALL_DEFINE2(mq_notify, int, fd, uint64_t, usev)
{
	struct {
		uint64_t value;
		int32_t signo, notify;
		uint8_t rest[48];
	} sev; /* struct sigevent */
	struct file *f;

	if (usev && copy_from_user(&sev, usev, sizeof sev))
		return -EFAULT;
	if (usev && sev.notify != SIGEV_NONE && sev.notify != SIGEV_SIGNAL &&
	    sev.notify != SIGEV_THREAD)
		return -EINVAL;
	if (usev && sev.notify == SIGEV_SIGNAL && (uint32_t)sev.signo > SIGNAL_MAX)
		return -EINVAL; /* 0 is valid: nothing is sent */
	if (usev && sev.notify == SIGEV_THREAD)
		return -EBADF; /* its netlink socket descriptor, which cannot exist */
	int err = queue_of(fd, -1, &f);
	if (err)
		return err;
	struct mqueue *mq = f->inode->mq;
	if (!usev) {
		mq->notify = false;
		return 0;
	}
	if (mq->notify)
		return -EBUSY;
	mq->notify = true;
	mq->notify_kind = sev.notify;
	mq->notify_sig = sev.notify == SIGEV_SIGNAL ? sev.signo : 0;
	return 0;
}

SYSCALL_DEFINE3(mq_getsetattr, int, fd, uint64_t, unew, uint64_t, uold)

{
	struct mq_attr_user new, old;
	struct file *f;

	if (unew) {
		if (copy_from_user(&new, unew, sizeof new))
			return -EFAULT;
		if (new.flags & ~(int64_t)O_NONBLOCK)
			return -EINVAL;
	}
	int err = queue_of(fd, -1, &f);
	if (err)
		return err;
	struct mqueue *mq = f->inode->mq;
	old = (struct mq_attr_user){.flags = f->flags & O_NONBLOCK,
				    .maxmsg = mq->maxmsg,
				    .msgsize = mq->msgsize,
				    .curmsgs = mq->curmsgs};
	if (unew)
		f->flags = (f->flags & ~(uint32_t)O_NONBLOCK) | ((uint32_t) new.flags &O_NONBLOCK);
	return uold ? copy_to_user(uold, &old, sizeof old) : 0;
}
