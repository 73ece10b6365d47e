/*
 * Pipes within the one process, laid out as Linux's: a ring of slots (16 by
 * default, F_SETPIPE_SZ changes it), each up to a page of bytes. A write
 * first appends to the last slot what is left over past whole pages, if it
 * fits there, then takes a new slot per page; so a write of at most a page
 * (PIPE_BUF) goes in whole or not at all, a full pipe is one with every
 * slot taken however few bytes they hold, and a non-blocking write's count
 * is Linux's. Slots that splice, tee or vmsplice fill take no appending.
 *
 * With a single thread nobody else can ever fill an empty pipe or drain a
 * full one: only a signal (from a timer) can end such a wait, and where
 * none can come and Linux would block forever we end the program with a
 * clear message instead of hanging the machine. With more threads, a
 * blocked read or write sleeps on the pipe's list of waiters until the
 * other end reads, writes or closes (all under the kernel lock).
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

#define PIPE_PAGE 4096u
#define PIPE_SLOTS 16u /* Linux's default: 64 KiB */

/* A thread blocked in a read or write of the pipe, on its kernel stack. */
struct pipe_waiter {
	struct thread *t;
	struct pipe_waiter *next;
};

struct pipe_slot {
	uint8_t *page;	   /* allocated at the slot's first use, kept */
	uint16_t off, len; /* its bytes: page[off, off + len) */
	bool merge;	   /* a write may append to it (Linux's CAN_MERGE) */
};

struct pipe {
	struct pipe_slot *slots;
	uint32_t nslots;     /* a power of two */
	uint32_t tail, head; /* the first slot in use and the next free, counting
			       on (slots[i & (nslots - 1)]) */
	uint64_t bytes;	     /* in all slots */
	int readers, writers;
	uint32_t r_opens, w_opens; /* a named pipe's opens for reading, writing */
	struct pipe_waiter *waiters;
	struct thread *holder; /* a splice that sleeps in the middle of a change */
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

/* A pipe with Linux's default 16 slots, their pages not yet allocated. */
static struct pipe *pipe_new(void)
{
	struct pipe *p = kzalloc(sizeof *p);
	struct pipe_slot *slots = p ? kzalloc(PIPE_SLOTS * sizeof *slots) : NULL;
	if (!slots) {
		kfree(p);
		return NULL;
	}
	p->slots = slots;
	p->nslots = PIPE_SLOTS;
	return p;
}

int pipe_create(struct file **rd, struct file **wr)
{
	struct inode *ip = inode_new(S_IFIFO | 0600);
	struct pipe *p = pipe_new();
	if (!ip || !p) {
		if (p)
			pipe_free(p);
		if (ip)
			inode_put(ip);
		return -ENFILE;
	}
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
	for (uint32_t i = 0; i < p->nslots; i++)
		kfree(p->slots[i].page);
	kfree(p->slots);
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

/* put: the reference the call took (NULL: a kernel copy's, which the exit
 * lets go); the exit closes the rest. */
__attribute__((noreturn)) static void deadlock(struct file *put, const char *what)
{
	if (put)
		file_put(put);
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

/* One wait for the pipe of f to change: 0, or -ERESTARTSYS for a signal
 * (its handler may restart the call); the program ends when nothing else
 * could change it (put as for deadlock). */
static int pipe_step(struct file *f, struct file *put, const char *what)
{
	int err = pipe_wait(f->inode->pipe);
	if (err == -EINTR)
		return -ERESTARTSYS;
	if (err == -EDEADLK)
		deadlock(put, what);
	return 0;
}

static struct pipe_slot *slot(struct pipe *p, uint32_t i)
{
	return &p->slots[i & (p->nslots - 1)];
}

static bool pipe_full(const struct pipe *p)
{
	return p->head - p->tail >= p->nslots;
}

/* Whether another thread's splice holds the pipe while it sleeps (as
 * Linux's pipe mutex): readers and writers wait for it, O_NONBLOCK or not. */
static bool held(const struct pipe *p)
{
	return p->holder && p->holder != current_thread();
}

/* Wait while the pipe is held: 0 or -ERESTARTSYS. */
static int pipe_enter(struct file *f, struct file *put)
{
	int err = 0;
	while (!err && held(f->inode->pipe))
		err = pipe_step(f, put, "waits for a pipe held by a splice that waits forever");
	return err;
}

/* Bytes were added to (in) or taken from (out) the pipe of f. */
static void woke(struct file *f, bool in, bool was_full)
{
	if (in)
		f->inode->wakes_in++;
	else
		f->inode->wakes_out += was_full; /* as Linux wakes writers' epolls */
	pipe_wake(f->inode->pipe);
}

/* k bytes of slot i were copied out: the next slot to look at; unless
 * keep, the bytes leave the pipe (and the slot, once empty). */
static uint32_t consumed(struct pipe *p, uint32_t i, uint32_t k, bool keep)
{
	if (keep)
		return i + 1;
	struct pipe_slot *s = slot(p, i);
	s->off += k;
	s->len -= k;
	p->bytes -= k;
	if (!s->len) {
		s->merge = false;
		p->tail++;
	}
	return p->tail;
}

/* Copy up to n bytes from the front of the pipe to dst (a user address,
 * or a kernel copy's buffer) and take them out, unless keep. The bytes
 * copied, or -EFAULT if none could be. */
static int64_t take(struct file *f, uint64_t dst, uint64_t n, bool keep, bool splice)
{
	struct pipe *p = f->inode->pipe;
	bool was_full = pipe_full(p), fault = false;
	uint32_t tail = p->tail;
	uint64_t done = 0;

	for (uint32_t i = p->tail; done < n && i != p->head;) {
		struct pipe_slot *s = slot(p, i);
		uint32_t k = s->len < n - done ? s->len : (uint32_t)(n - done);
		if (copy_to_user(dst + done, s->page + s->off, k)) {
			fault = true;
			break;
		}
		done += k;
		i = consumed(p, i, k, keep);
	}
	/* a read wakes writers' epolls when the pipe was full, a splice when it
	 * frees a slot, as Linux's */
	if (done && !keep)
		woke(f, false, splice ? p->tail != tail : was_full);
	return done || !fault ? (int64_t)done : -EFAULT;
}

/* Wait until the pipe of f has bytes or no writer (0): -EAGAIN if
 * nonblock, -ERESTARTSYS for a signal; the program ends (put and what as
 * for deadlock) if none could come. A read's wait and a splice's. */
static int wait_bytes(struct file *f, bool nonblock, struct file *put, const char *what)
{
	struct pipe *p = f->inode->pipe;
	int err;

	for (;;) {
		if ((err = pipe_enter(f, put)))
			return err;
		if (p->bytes || !p->writers)
			return 0;
		if (nonblock)
			return -EAGAIN;
		if ((err = pipe_step(f, put, what)))
			return err;
	}
}

static int64_t do_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	if (n == 0)
		return 0;
	int err = wait_bytes(f, f->flags & O_NONBLOCK || current_thread()->io_nowait, f,
			     "reads from an empty pipe whose write end is open");
	if (err)
		return err;
	return f->inode->pipe->bytes ? take(f, ubuf, n, false, false) : 0;
}

/* A write with no reader left: EPIPE, and SIGPIPE, as Linux's pipe_write
 * (its default action ends the program, 128 + 13). */
static int64_t broken(void)
{
	signal_send(SIGPIPE, SI_USER);
	return -EPIPE;
}

/* Linux's pipe_write: what is left over past whole pages goes into the
 * last slot if it fits there (once, at the start), the rest a page to a
 * slot; a blocking write waits for room until all is in (a signal ends it
 * with what was written), a non-blocking one writes what fits. */
static int64_t do_write(struct file *f, uint64_t ubuf, uint64_t n)
{
	struct pipe *p = f->inode->pipe;
	const char *full = "writes to a full pipe that only it reads";
	uint64_t done = 0, told = 0; /* told: bytes the readers were woken for */
	int64_t err = 0;

	if (n == 0)
		return 0; /* before the readers are looked at, as Linux */
	if ((err = pipe_enter(f, f)))
		return err;
	if (!p->readers)
		return broken();
	uint32_t chars = n & (PIPE_PAGE - 1);
	if (chars && p->head != p->tail) {
		struct pipe_slot *s = slot(p, p->head - 1);
		if (s->merge && s->off + s->len + chars <= PIPE_PAGE) {
			if (copy_from_user(s->page + s->off + s->len, ubuf, chars))
				return -EFAULT;
			s->len += chars;
			p->bytes += chars;
			done = chars;
		}
	}
	while (done < n) {
		if (!p->readers) {
			err = broken(); /* SIGPIPE even after some bytes, as Linux */
			break;
		}
		if (!pipe_full(p)) {
			struct pipe_slot *s = slot(p, p->head);
			uint32_t k = n - done < PIPE_PAGE ? (uint32_t)(n - done) : PIPE_PAGE;
			if (!s->page && !(s->page = kmalloc(PIPE_PAGE))) {
				err = -ENOMEM;
				break;
			}
			if (copy_from_user(s->page, ubuf + done, k)) {
				err = -EFAULT;
				break;
			}
			*s = (struct pipe_slot){s->page, 0, (uint16_t)k, true};
			p->head++;
			p->bytes += k;
			done += k;
			continue;
		}
		if (f->flags & O_NONBLOCK || current_thread()->io_nowait) {
			err = -EAGAIN;
			break;
		}
		if (done > told) { /* the readers make room */
			woke(f, true, false);
			told = done;
		}
		if ((err = pipe_step(f, f, full)) || (err = pipe_enter(f, f)))
			break;
	}
	if (done > told)
		woke(f, true, false);
	return done ? (int64_t)done : err;
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

/* --- for splice, tee and vmsplice (sys_copy.c); the files' references
 * are a kernel copy's --- */

int pipe_wait_readable(struct file *f, bool nonblock)
{
	return wait_bytes(f, nonblock, NULL, "splices from an empty pipe whose write end is open");
}

int pipe_wait_writable(struct file *f, bool nonblock)
{
	struct pipe *p = f->inode->pipe;
	int err;

	for (;;) {
		if ((err = pipe_enter(f, NULL)))
			return err;
		if (!p->readers)
			return (int)broken();
		if (!pipe_full(p))
			return 0;
		if (nonblock)
			return -EAGAIN;
		if ((err = pipe_step(f, NULL, "splices to a full pipe that only it reads")))
			return err;
	}
}

void pipe_hold(struct file *f, bool on)
{
	struct pipe *p = f->inode->pipe;
	p->holder = on ? current_thread() : NULL;
	if (!on)
		pipe_wake(p);
}

uint64_t pipe_bytes(struct file *f)
{
	return f->inode->pipe->bytes;
}

int64_t pipe_take(struct file *f, uint64_t dst, uint64_t n, bool keep)
{
	return take(f, dst, n, keep, true);
}

int pipe_prepare(struct file *f, uint64_t n, uint64_t at)
{
	struct pipe *p = f->inode->pipe;
	uint64_t first = at & (PIPE_PAGE - 1), slots = (first + n + PIPE_PAGE - 1) / PIPE_PAGE;
	for (uint32_t i = p->head; slots && i != p->tail + p->nslots; i++, slots--) {
		struct pipe_slot *s = slot(p, i);
		if (!s->page && !(s->page = kmalloc(PIPE_PAGE)))
			return -ENOMEM;
	}
	return 0;
}

int64_t pipe_fill(struct file *f, uint64_t src, uint64_t n, uint64_t at)
{
	struct pipe *p = f->inode->pipe;
	uint64_t done = 0;
	int64_t err = 0;

	while (done < n && !pipe_full(p)) {
		struct pipe_slot *s = slot(p, p->head);
		uint32_t off = (uint32_t)((at + done) & (PIPE_PAGE - 1));
		uint32_t k = n - done < PIPE_PAGE - off ? (uint32_t)(n - done) : PIPE_PAGE - off;
		if (!s->page && !(s->page = kmalloc(PIPE_PAGE))) {
			err = -ENOMEM;
			break;
		}
		if (copy_from_user(s->page + off, src + done, k)) {
			err = -EFAULT;
			break;
		}
		*s = (struct pipe_slot){s->page, (uint16_t)off, (uint16_t)k, false};
		p->head++;
		p->bytes += k;
		done += k;
	}
	if (done)
		woke(f, true, false);
	return done ? (int64_t)done : err;
}

uint64_t pipe_room_at(struct file *f, uint64_t at)
{
	struct pipe *p = f->inode->pipe;
	uint64_t slots = p->nslots - (p->head - p->tail);
	return slots ? slots * PIPE_PAGE - (at & (PIPE_PAGE - 1)) : 0;
}

/* Linux's splice_pipe_to_pipe (!keep) and link_pipe (tee, keep): whole
 * slots move, keeping their appending; a slot cut short, or tee's copy,
 * takes none. */
int64_t pipe_splice(struct file *in, struct file *out, uint64_t len, bool nonblock, bool keep)
{
	struct pipe *ip = in->inode->pipe, *op = out->inode->pipe;
	int64_t done = 0;
	int err;

	for (;;) {
		if ((err = pipe_wait_readable(in, nonblock)) ||
		    (err = pipe_wait_writable(out, nonblock)))
			return err;
		if (held(ip) || held(op))
			continue; /* taken while this thread slept: wait for it */
		uint32_t i = ip->tail, tail = ip->tail;
		while ((uint64_t)done < len) {
			if (!op->readers) {
				int64_t e = broken();
				if (!done)
					done = e;
				break;
			}
			if (i == ip->head || pipe_full(op))
				break;
			struct pipe_slot *s = slot(ip, i), *d = slot(op, op->head);
			if (!d->page && !(d->page = kmalloc(PIPE_PAGE))) {
				if (!done)
					done = -ENOMEM;
				break;
			}
			uint32_t k = s->len < len - done ? s->len : (uint32_t)(len - done);
			memcpy(d->page + s->off, s->page + s->off, k);
			*d = (struct pipe_slot){d->page, s->off, (uint16_t)k,
						!keep && k == s->len && s->merge};
			op->head++;
			op->bytes += k;
			done += k;
			i = consumed(ip, i, k, keep);
		}
		if (done > 0) {
			woke(out, true, false);
			if (!keep)
				woke(in, false, ip->tail != tail); /* a slot freed */
		}
		if (done || keep || (!ip->bytes && !ip->writers))
			return done;
		if (nonblock)
			return -EAGAIN;
		/* another thread emptied the one or filled the other: again */
	}
}

int64_t pipe_size(struct file *f)
{
	return (int64_t)f->inode->pipe->nslots * PIPE_PAGE;
}

/* F_SETPIPE_SZ, as Linux's for a privileged caller: the size rounded up
 * to a power of two pages (at least one, at most 2 GiB), EBUSY if fewer
 * slots than are in use. The new size, or a negative errno. */
static int64_t set_size(struct file *f, uint32_t arg)
{
	struct pipe *p = f->inode->pipe;

	if (arg > (1u << 31))
		return -EINVAL;
	int err = pipe_enter(f, f); /* as Linux's pipe mutex: after a splice that holds it */
	if (err)
		return err;
	uint32_t n = 1;
	while ((uint64_t)n * PIPE_PAGE < arg)
		n <<= 1;
	struct pipe_slot *slots = kzalloc(n * sizeof *slots);
	if (!slots)
		return -ENOMEM;
	uint32_t used = p->head - p->tail;
	if (n < used) {
		kfree(slots);
		return -EBUSY;
	}
	/* the slots in use first, in order, then the spare pages */
	uint32_t k = 0;
	for (uint32_t i = 0; i < p->nslots; i++) {
		struct pipe_slot *s = slot(p, p->tail + i);
		if (i < used)
			slots[k++] = *s;
		else if (s->page && k < n)
			slots[k++] = (struct pipe_slot){s->page, 0, 0, false};
		else
			kfree(s->page);
	}
	kfree(p->slots);
	p->slots = slots;
	p->nslots = n;
	p->tail = 0;
	p->head = used;
	woke(f, false, true); /* room, perhaps */
	return (int64_t)n * PIPE_PAGE;
}

int64_t pipe_set_size(struct file *f, uint32_t arg)
{
	f->refs++; /* another thread may close it while this one waits */
	int64_t r = set_size(f, arg);
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
	if (!ip->pipe && !(ip->pipe = pipe_new()))
		return -ENOMEM;
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

unsigned pipe_poll(struct file *f)
{
	struct pipe *p = f->inode->pipe;
	unsigned r = 0;
	if (!f->pipe_write_end || f->pipe_rdwr) {
		if (p->bytes)
			r |= POLLIN | POLLRDNORM;
		if (!p->writers && !(f->inode->fifo && f->fifo_w_seen == p->w_opens))
			r |= POLLHUP;
	}
	if (f->pipe_write_end || f->pipe_rdwr) {
		if (!pipe_full(p))
			r |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			r |= POLLERR;
	}
	return r;
}
