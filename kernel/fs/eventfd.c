/*
 * eventfd: a 64-bit counter behind a descriptor, which event loops and
 * thread pools use to wake a thread from poll. A write of 8 bytes adds to
 * it, a read of 8 takes it (or 1, with EFD_SEMAPHORE, and subtracts that),
 * as Linux's: a read waits while it is 0, a write while the sum would pass
 * 2^64 - 2 (EAGAIN with EFD_NONBLOCK); a value of 2^64 - 1 is EINVAL. poll
 * sees POLLIN while it is above 0 and POLLOUT while a write of 1 fits.
 * Waiters, and threads in poll and select, sleep on the pipes' queues
 * (waitq); a wait no other thread can end is a deadlock (137).
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"

#define EFD_SEMAPHORE 1
#define EFD_NONBLOCK O_NONBLOCK
#define EFD_CLOEXEC O_CLOEXEC
#define COUNT_MAX 0xfffffffffffffffeull

#define POLLIN 0x001
#define POLLOUT 0x004
#define POLLERR 0x008

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct waitq waiters;
};

static struct eventfd *ctx(const struct file *f)
{
	return f->inode->priv;
}

/* A wait that no other thread could end: the program is ended, as a pipe's
 * such wait ends it. */
__attribute__((noreturn)) static void deadlock(struct file *f, const char *what)
{
	file_put(f);
	proc_killed(syscall_frame(), SIGKILL, what, "", true);
}

/* Until another thread changes the counter: 0 (look again), or the
 * call's result. */
static int64_t wait_change(struct file *f, const char *what)
{
	int err = waitq_wait(&ctx(f)->waiters);
	if (err == -EDEADLK)
		deadlock(f, what);
	return err == -EINTR ? -ERESTARTSYS : 0;
}

static int64_t efd_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	if (n < 8)
		return -EINVAL;
	f->refs++; /* another thread may close it while this one waits */
	int64_t r = 0;
	struct eventfd *e = ctx(f);
	while (!e->count && !r)
		r = f->flags & O_NONBLOCK ? -EAGAIN
					  : wait_change(f, "eventfd read with no other thread to "
							   "write it (a deadlock)");
	if (!r) { /* taken even when it cannot be copied out, as Linux's */
		uint64_t v = e->semaphore ? 1 : e->count;
		e->count -= v;
		f->inode->wakes_out++;
		waitq_wake(&e->waiters); /* room for a writer */
		r = copy_to_user(ubuf, &v, sizeof v) ? -EFAULT : 8;
	}
	file_put(f);
	return r;
}

static int64_t efd_write(struct file *f, uint64_t ubuf, uint64_t n)
{
	uint64_t v;
	if (n < 8)
		return -EINVAL;
	if (copy_from_user(&v, ubuf, sizeof v))
		return -EFAULT;
	if (v == ~0ull)
		return -EINVAL;
	f->refs++;
	int64_t r = 0;
	struct eventfd *e = ctx(f);
	while (COUNT_MAX - e->count < v && !r)
		r = f->flags & O_NONBLOCK ? -EAGAIN
					  : wait_change(f, "eventfd write with no other thread to "
							   "read it (a deadlock)");
	if (!r) {
		e->count += v;
		f->inode->wakes_in++; /* even for 0, as Linux's wake-up */
		waitq_wake(&e->waiters);
		r = 8;
	}
	file_put(f);
	return r;
}

static unsigned efd_poll(struct file *f)
{
	const struct eventfd *e = ctx(f);
	return (e->count ? POLLIN : 0) | (e->count < COUNT_MAX ? POLLOUT : 0) |
	       (e->count > COUNT_MAX ? POLLERR : 0);
}

static const struct dev_ops eventfd_ops = {
    .anon = "eventfd",
    .read = efd_read,
    .write = efd_write,
    .poll = efd_poll,
    .open = anon_open,
    .release = anon_release,
    .pollers = true, /* not a stream: lseek does nothing, as Linux's */
};

SYSCALL_DEFINE2(eventfd2, unsigned int, initval, int, flags)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
		return -EINVAL;
	struct eventfd *e = kzalloc(sizeof *e);
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	return anon_fd(&eventfd_ops, e, O_RDWR | (flags & EFD_NONBLOCK), flags & EFD_CLOEXEC);
}

SYSCALL_DEFINE1(eventfd, unsigned int, initval)
{
	return do_sys_eventfd2(initval, 0);
}
