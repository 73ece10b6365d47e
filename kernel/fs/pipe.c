/*
 * Pipes within the one process: a 64 KiB ring buffer between a read end and
 * a write end. With a single thread nobody else can ever fill an empty pipe
 * or drain a full one: only a signal (from a timer) can end such a wait,
 * and where none can come and Linux would block forever we end the
 * program with a clear message instead of hanging the machine. With more
 * threads, a blocked read or write sleeps on the pipe's list of waiters
 * until the other end reads, writes or closes (all under the kernel lock).
 */
#include "console.h"
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "printf.h"
#include "proc.h"
#include "sched.h"
#include "task.h"

#define PIPE_SIZE 65536

/* A thread blocked in a read or write of the pipe, on its kernel stack. */
struct pipe_waiter {
	struct thread *t;
	struct pipe_waiter *next;
};

struct pipe {
	uint8_t *buf;
	uint32_t head, len; /* first unread byte, bytes unread */
	int readers, writers;
	uint32_t r_opens, w_opens; /* a named pipe's opens for reading, writing */
	struct pipe_waiter *waiters;
};

/* Threads in poll or select on a pipe, with other threads that may change
 * it: any pipe's change wakes them all, and each looks again. */
static struct pipe_waiter *pollers;

static void wake_all(struct pipe_waiter **list)
{
	while (*list) {
		struct pipe_waiter *w = *list;
		*list = w->next;
		w->next = NULL;
		w->t->forever = false;
		sched_wake(w->t);
	}
}

/* The pipe changed (data, room, or an end closed): every waiter looks
 * again. */
static void pipe_wake(struct pipe *p)
{
	wake_all(&p->waiters);
	wake_all(&pollers);
}

/* One step of a wait on *list (thread_wait_step): 0 when woken, or at the
 * deadline (the caller looks again); -EINTR; -EDEADLK. */
static int wait_on(struct pipe_waiter **list, uint64_t deadline)
{
	struct pipe_waiter w = {current_thread(), *list}, **pp;
	*list = &w;
	int err = thread_wait_step(deadline);
	for (pp = list; *pp; pp = &(*pp)->next) /* not woken by a pipe */
		if (*pp == &w) {
			*pp = w.next;
			break;
		}
	return err == -ETIMEDOUT ? 0 : err;
}

int pipe_poll_wait(uint64_t deadline)
{
	return wait_on(&pollers, deadline);
}

void pipe_poll_wake(void)
{
	wake_all(&pollers);
}

int pipe_create(struct file **rd, struct file **wr)
{
	struct inode *ip = inode_new(S_IFIFO | 0600);
	struct pipe *p = kzalloc(sizeof *p);
	uint8_t *buf = kmalloc(PIPE_SIZE);
	if (!ip || !p || !buf) {
		kfree(p);
		kfree(buf);
		if (ip)
			inode_put(ip);
		return -ENFILE;
	}
	p->buf = buf;
	ip->pipe = p;
	*rd = file_open_inode(ip, O_RDONLY);
	*wr = *rd ? file_open_inode(ip, O_WRONLY) : NULL;
	if (!*wr) {
		if (*rd)
			file_put(*rd); /* frees the inode and the pipe with it */
		else
			inode_put(ip);
		return -ENFILE;
	}
	(*wr)->pipe_write_end = true;
	p->readers = p->writers = 1;
	return 0;
}

void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

void pipe_release(struct file *f)
{
	struct inode *ip = f->inode;
	struct pipe *p = ip->pipe;
	if (f->pipe_write_end || f->pipe_rdwr)
		p->writers--;
	if (!f->pipe_write_end || f->pipe_rdwr)
		p->readers--;
	ip->wakes_in++; /* a hang-up for readers, an error for writers */
	ip->wakes_out++;
	pipe_wake(p);
	if (ip->fifo && !p->readers && !p->writers) { /* its bytes go with the last close */
		pipe_free(p);
		ip->pipe = NULL;
	}
}

__attribute__((noreturn)) static void deadlock(struct file *f, const char *what)
{
	file_put(f); /* the reference the call took: the exit closes the rest */
	kreport("bareflow: the program would wait forever: it %s, and it is the only "
		"process that could ever change that\n",
		what);
	proc_exit(128 + 9); /* as if killed by SIGKILL */
}

/* Wait for the other end: with one thread only a signal can end it
 * (-EINTR; -EDEADLK if none can come). With more, another thread may read,
 * write or close: sleep on the pipe until it does (0, and the caller looks
 * again), a signal comes (-EINTR), or every thread of the process waits
 * for something only another could do (-EDEADLK). */
int waitq_wait(struct waitq *q)
{
	if (current_proc()->nthreads <= 1)
		return signal_wait(SIGNAL_NO_DEADLINE, 0);
	return wait_on(&q->first, THREAD_NO_DEADLINE);
}

int waitq_wait_until(struct waitq *q, uint64_t deadline)
{
	if (current_proc()->nthreads <= 1)
		return signal_wait(deadline, 0);
	return wait_on(&q->first, deadline);
}

void waitq_wake(struct waitq *q)
{
	wake_all(&q->first);
	wake_all(&pollers);
}

static int pipe_wait(struct pipe *p)
{
	if (current_proc()->nthreads <= 1)
		return signal_wait(SIGNAL_NO_DEADLINE, 0);
	return wait_on(&p->waiters, THREAD_NO_DEADLINE);
}

static int64_t do_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct pipe *p = f->inode->pipe;

	if (n == 0)
		return 0;
	while (p->len == 0) {
		if (p->writers == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int err = pipe_wait(p); /* a signal's handler may restart the call */
		if (err == -EINTR)
			return -ERESTARTSYS;
		if (err == -EDEADLK)
			deadlock(f, "reads from an empty pipe whose write end is open");
	}
	uint64_t done = 0;
	bool was_full = p->len == PIPE_SIZE;
	while (done < n && p->len) {
		uint32_t k = PIPE_SIZE - p->head < p->len ? PIPE_SIZE - p->head : p->len;
		if (k > n - done)
			k = (uint32_t)(n - done);
		if (copy_to_user(ubuf + done, p->buf + p->head, k)) {
			if (!done)
				return -EFAULT;
			break;
		}
		p->head = (p->head + k) % PIPE_SIZE;
		p->len -= k;
		done += k;
	}
	if (done) {
		f->inode->wakes_out += was_full; /* as Linux wakes writers' epolls */
		pipe_wake(p); /* room for a writer */
	}
	return (int64_t)done;
}

/* A write with no reader left: EPIPE, and SIGPIPE, as Linux's pipe_write
 * (its default action ends the program, 128 + 13). */
static int64_t broken(void)
{
	signal_send(SIGPIPE, SI_USER);
	return -EPIPE;
}

static int64_t do_write(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct pipe *p = f->inode->pipe;

	if (p->readers == 0)
		return broken();
	if (n == 0)
		return 0;
	while (p->len == PIPE_SIZE) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int err = pipe_wait(p);
		if (err == -EINTR)
			return -ERESTARTSYS;
		if (err == -EDEADLK)
			deadlock(f, "writes to a full pipe that only it reads");
		if (p->readers == 0)
			return broken();
	}
	uint64_t done = 0;
	while (done < n && p->len < PIPE_SIZE) {
		uint32_t tail = (p->head + p->len) % PIPE_SIZE;
		uint32_t k = tail >= p->head ? PIPE_SIZE - tail : p->head - tail;
		if (k > PIPE_SIZE - p->len)
			k = PIPE_SIZE - p->len;
		if (k > n - done)
			k = (uint32_t)(n - done);
		if (copy_from_user(p->buf + tail, ubuf + done, k)) {
			if (!done)
				return -EFAULT;
			break;
		}
		p->len += k;
		done += k;
	}
	if (done) {
		f->inode->wakes_in++;
		pipe_wake(p); /* data for a reader */
	}
	return (int64_t)done;
}

/* A read or write may sleep while another thread closes the descriptor:
 * the call holds a reference to the file (and so to the pipe) meanwhile,
 * and the blocked end still counts, as on Linux. */
int64_t pipe_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	f->refs++;
	int64_t r = do_read(f, ubuf, n);
	file_put(f);
	return r;
}

int64_t pipe_write(struct file *f, uint64_t ubuf, uint64_t n)
{
	f->refs++;
	int64_t r = do_write(f, ubuf, n);
	file_put(f);
	return r;
}

/* A named pipe's opener waits until the other end has been opened since
 * (*opens moves); 0, -ERESTARTSYS for a signal, or the program ends when
 * no other thread could open it. */
static int wait_partner(struct file *f, uint32_t *opens, const char *what)
{
	struct pipe *p = f->inode->pipe;
	uint32_t seen = *opens;
	while (*opens == seen) {
		int err = pipe_wait(p);
		if (err == -EINTR)
			return -ERESTARTSYS;
		if (err == -EDEADLK)
			deadlock(f, what);
	}
	return 0;
}

int fifo_open(struct file *f)
{
	struct inode *ip = f->inode;
	if (!ip->pipe) {
		struct pipe *np = kzalloc(sizeof *np);
		uint8_t *buf = np ? kmalloc(PIPE_SIZE) : NULL;
		if (!buf) {
			kfree(np);
			return -ENOMEM;
		}
		np->buf = buf;
		ip->pipe = np;
	}
	struct pipe *p = ip->pipe;
	uint32_t acc = f->flags & O_ACCMODE;
	bool nonblock = f->flags & O_NONBLOCK;
	if (acc == O_RDWR) {
		f->pipe_rdwr = true;
		p->readers++, p->writers++;
		p->r_opens++, p->w_opens++;
		pipe_wake(p);
		return 0;
	}
	if (!ip->fifo) /* an anonymous pipe reopened: an end at once, as Linux's */
		nonblock = true;
	if (acc == O_WRONLY) {
		if (!p->readers && nonblock && ip->fifo) {
			f->pipe_write_end = true; /* counted, so that its release frees all */
			p->writers++;
			return -ENXIO;
		}
		f->pipe_write_end = true;
		p->writers++;
		p->w_opens++;
		pipe_wake(p);
		return p->readers || !ip->fifo ? 0
					       : wait_partner(f, &p->r_opens,
						 "opens a named pipe for writing that no other thread "
						 "opens for reading");
	}
	p->readers++;
	p->r_opens++;
	pipe_wake(p);
	if (!p->writers && ip->fifo) /* no hang-up until a writer has come, as Linux's */
		f->fifo_w_seen = p->w_opens;
	if (p->writers || nonblock)
		return 0;
	return wait_partner(f, &p->w_opens,
			    "opens a named pipe for reading that no other thread opens for "
			    "writing");
}

uint32_t pipe_room(struct file *f)
{
	struct pipe *p = f->inode->pipe;
	return PIPE_SIZE - p->len;
}

unsigned pipe_poll(struct file *f)
{
	struct pipe *p = f->inode->pipe;
	unsigned r = 0;
	if (!f->pipe_write_end || f->pipe_rdwr) {
		if (p->len)
			r |= POLLIN | POLLRDNORM;
		if (!p->writers && !(f->inode->fifo && f->fifo_w_seen == p->w_opens))
			r |= POLLHUP;
	}
	if (f->pipe_write_end || f->pipe_rdwr) {
		if (p->len < PIPE_SIZE)
			r |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			r |= POLLERR;
	}
	return r;
}
