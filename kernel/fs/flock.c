/*
 * flock: advisory locks on a whole file, held by an open file description
 * (what open made; dup and inheritance share it), as Linux's. With one
 * process they still conflict: two opens of one file, as the threads of a
 * program that each open a lock file, exclude each other. Shared locks
 * coexist; an exclusive one excludes every other. A conversion drops the
 * old lock first and then waits (as Linux: it is not atomic). The last
 * close of a description releases its lock. Waiters sleep on a waitq
 * (pipe.c's) until a lock goes, and look again; a wait that no other
 * thread can end is a deadlock (status 137, as futex.c), a signal ends it
 * (ERESTARTSYS). All under the kernel lock.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "task.h"

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define LOCK_MAND 32

struct holder {
	struct file *f;
	bool exclusive;
	struct holder *next;
};

static struct holder *holders;
static struct waitq waiters; /* every lock's: each looks again when one goes */

static struct holder **held(const struct file *f)
{
	struct holder **pp = &holders;
	while (*pp && (*pp)->f != f)
		pp = &(*pp)->next;
	return pp;
}

static bool conflicts(const struct file *f, bool exclusive)
{
	for (const struct holder *h = holders; h; h = h->next)
		if (h->f != f && h->f->inode == f->inode && (exclusive || h->exclusive))
			return true;
	return false;
}

/* f's lock goes; those waiting on its file look again. */
static void drop(struct file *f)
{
	struct holder **pp = held(f), *h = *pp;
	if (!h)
		return;
	*pp = h->next;
	kfree(h);
	waitq_wake(&waiters);
}

void flock_release(struct file *f)
{
	if (holders)
		drop(f);
}

/* One try: 0 with the lock held (or kept), -EAGAIN where another holds a
 * conflicting one. A conversion drops the old lock first (as Linux: not
 * atomic); another thread's wait on the same description may have taken
 * the lock meanwhile. */
static int try_lock(struct file *f, bool exclusive)
{
	struct holder *h = *held(f);
	if (h && h->exclusive == exclusive)
		return 0;
	if (h)
		drop(f);
	if (conflicts(f, exclusive))
		return -EAGAIN;
	if (!(h = kmalloc(sizeof *h)))
		return -ENOLCK;
	*h = (struct holder){f, exclusive, holders};
	holders = h;
	return 0;
}

SYSCALL_DEFINE2(flock, int, fd, unsigned, op)
{
	if (op & LOCK_MAND)
		return 0; /* Linux ignores these now */
	unsigned kind = op & ~(unsigned)LOCK_NB;
	if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN)
		return -EINVAL; /* before the descriptor, as Linux */
	struct file *f = fd_get(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (kind == LOCK_UN) {
		drop(f);
		return 0;
	}
	/* held while it waits: another thread may close the descriptor */
	f->refs++;
	int err;
	while ((err = try_lock(f, kind == LOCK_EX)) == -EAGAIN && !(op & LOCK_NB)) {
		err = waitq_wait(&waiters);
		if (err == -EDEADLK) {
			file_put(f);
			proc_killed(
			    syscall_frame(), SIGKILL,
			    "flock wait with no other thread to release the lock (a deadlock)", "",
			    true);
		}
		if (err) {
			err = -ERESTARTSYS; /* a signal: EINTR unless SA_RESTART */
			break;
		}
	}
	file_put(f); /* the last reference: its lock goes, as Linux's */
	return err;
}
