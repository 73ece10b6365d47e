/*
 * futex: WAIT and WAIT_BITSET (timeouts on CLOCK_MONOTONIC or, with
 * FUTEX_CLOCK_REALTIME, CLOCK_REALTIME), WAKE, WAKE_BITSET, REQUEUE,
 * CMP_REQUEUE and WAKE_OP. One process: private and shared futexes are the
 * same, keyed by address. Waiters sleep in a hash table's lists, in the
 * order they came, under the kernel lock (sched.h).
 *
 * A wait without a timeout that nothing can end (every other thread waits
 * the same way, and no timer can send a signal) is a deadlock: instead of
 * hanging the machine until the host's timeout, the process is ended as if
 * killed by SIGKILL (status 137) with a report saying why.
 */
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

#define BUCKETS 64

/* A thread in futex_wait, on its kernel stack. */
struct waiter {
	uint64_t uaddr;
	uint32_t bitset;
	bool woken;
	struct thread *t;
	struct waiter *next;
};

static struct waiter *buckets[BUCKETS];

static struct waiter **bucket(uint64_t uaddr) { return &buckets[(uaddr >> 2) % BUCKETS]; }

/* Append w to its address's list (the woken come in order). */
static void enlist(struct waiter *w)
{
	struct waiter **pp = bucket(w->uaddr);

	while (*pp)
		pp = &(*pp)->next;
	w->next = NULL;
	*pp = w;
}

static void unlist(struct waiter *w)
{
	struct waiter **pp = bucket(w->uaddr);

	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
}

/* The checks Linux makes on the address before anything else: aligned,
 * in the user half, and (for a shared futex) mapped. */
static int futex_address(uint64_t uaddr, bool private)
{
	uint32_t v;

	if (uaddr & 3)
		return -EINVAL;
	if (uaddr >= USER_TOP || uaddr + 4 > USER_TOP)
		return -EFAULT;
	return private ? 0 : copy_from_user(&v, uaddr, sizeof v);
}

/* The deadline in time_ns() terms: relative for FUTEX_WAIT, absolute on
 * CLOCK_MONOTONIC or CLOCK_REALTIME for FUTEX_WAIT_BITSET. */
static int futex_deadline(uint64_t utime, int cmd, bool realtime, uint64_t *deadline)
{
	uint64_t t;
	int err = timespec_from_user(utime, 1, &t);

	if (err)
		return err;
	*deadline = cmd == FUTEX_WAIT ? deadline_after(t) : realtime ? deadline_at_realtime(t) : t;
	return 0;
}

/* Sleep until woken, a signal, the deadline (NULL: none) or the end of the
 * process. */
static int64_t futex_wait(uint64_t uaddr, uint32_t val, const uint64_t *deadline, uint32_t bitset,
			  bool private)
{
	struct thread *t = current_thread();
	struct waiter w = {uaddr, bitset, false, t, NULL};
	uint32_t cur;

	if (!bitset)
		return -EINVAL;
	int err = futex_address(uaddr, private);
	if (err)
		return err;
	if (copy_from_user(&cur, uaddr, sizeof cur))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	enlist(&w);
	while (!w.woken && !err)
		err = thread_wait_step(deadline ? *deadline : THREAD_NO_DEADLINE);
	if (!err)
		return 0; /* woken, and off the list */
	unlist(&w);
	if (err == -EDEADLK) /* no signal can come, and nobody else runs */
		proc_killed(syscall_frame(), SIGKILL,
			    "futex wait with no other thread to wake it (a deadlock)", "", true);
	/* -EINTR, or without a timeout a restart when its handler has
	 * SA_RESTART (as Linux); or -ETIMEDOUT */
	return err == -EINTR && !deadline ? -ERESTARTSYS : err;
}

int futex_wake(uint64_t uaddr, int n, uint32_t bitset)
{
	int woken = 0;

	for (struct waiter **pp = bucket(uaddr); *pp && woken < n;) {
		struct waiter *w = *pp;
		if (w->uaddr != uaddr || !(w->bitset & bitset)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->woken = true;
		w->t->forever = false;
		sched_wake(w->t);
		woken++;
	}
	return woken;
}

/* Wake up to n waiters of uaddr, then move up to n2 more to uaddr2. */
static int64_t futex_requeue(uint64_t uaddr, int n, uint64_t uaddr2, int n2)
{
	int64_t done = futex_wake(uaddr, n, ~0u);
	struct waiter *moved = NULL, **tail = &moved;

	for (struct waiter **pp = bucket(uaddr); *pp && n2 > 0;) {
		struct waiter *w = *pp;
		if (w->uaddr != uaddr) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->uaddr = uaddr2;
		w->next = NULL;
		*tail = w;
		tail = &w->next;
		n2--;
		done++;
	}
	while (moved) {
		struct waiter *w = moved;
		moved = w->next;
		enlist(w);
	}
	return done;
}

/* FUTEX_WAKE_OP: *uaddr2 = *uaddr2 OP oparg (old value kept), wake up to n
 * at uaddr, and if old CMP cmparg, up to n2 at uaddr2. */
static int64_t futex_wake_op(uint64_t uaddr, int n, uint64_t uaddr2, int n2, uint32_t op)
{
	unsigned kind = (op >> 28) & 7, cmp = (op >> 24) & 15;
	int32_t oparg = (int32_t)(op << 8) >> 20, cmparg = (int32_t)(op << 20) >> 20;
	uint32_t old, nv;
	int err;

	if (op & (8u << 28))
		oparg = oparg < 0 || oparg > 31 ? -1 : 1 << oparg;
	if (oparg == -1 && (op & (8u << 28)))
		return -EINVAL;
	if ((err = futex_address(uaddr2, true)))
		return err; /* misaligned: EINVAL, as Linux */
	if (copy_from_user(&old, uaddr2, sizeof old))
		return -EFAULT;
	if (kind > 4)
		return -ENOSYS;
	/* Another CPU may change the word meanwhile (its atomic ops take no
	 * lock of ours): retry until the update lands on the value it read. */
	do {
		switch (kind) {
		case 0: nv = (uint32_t)oparg; break;
		case 1: nv = old + (uint32_t)oparg; break;
		case 2: nv = old | (uint32_t)oparg; break;
		case 3: nv = old & ~(uint32_t)oparg; break;
		default: nv = old ^ (uint32_t)oparg; break;
		}
	} while ((err = cmpxchg_user(uaddr2, &old, nv)) == -EAGAIN);
	if (err)
		return err;
	bool hit;
	switch (cmp) {
	case 0: hit = (int32_t)old == cmparg; break;
	case 1: hit = (int32_t)old != cmparg; break;
	case 2: hit = (int32_t)old < cmparg; break;
	case 3: hit = (int32_t)old <= cmparg; break;
	case 4: hit = (int32_t)old > cmparg; break;
	case 5: hit = (int32_t)old >= cmparg; break;
	default: return -ENOSYS;
	}
	int64_t done = futex_wake(uaddr, n, ~0u);
	if (hit)
		done += futex_wake(uaddr2, n2, ~0u);
	return done;
}

SYSCALL_DEFINE6(futex, uint64_t, uaddr, int, op, uint32_t, val, uint64_t, utime, uint64_t, uaddr2, uint32_t, val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	uint64_t deadline;
	int err;

	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
	    cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (utime) {
			err = futex_deadline(utime, cmd, realtime, &deadline);
			if (err)
				return err;
		}
		return futex_wait(uaddr, val, utime ? &deadline : NULL,
				  cmd == FUTEX_WAIT ? ~0u : val3, private);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE_BITSET && !val3)
			return -EINVAL;
		err = futex_address(uaddr, private);
		if (err)
			return err;
		return futex_wake(uaddr, (int)(val > INT32_MAX ? INT32_MAX : val),
				  cmd == FUTEX_WAKE ? ~0u : val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE: {
		int n2 = (int)(utime > INT32_MAX ? INT32_MAX : utime); /* val2 rides in utime */
		if ((int)val < 0 || (int64_t)utime < 0)
			return -EINVAL;
		if ((err = futex_address(uaddr, private)) || (err = futex_address(uaddr2, private)))
			return err;
		if (cmd == FUTEX_CMP_REQUEUE) {
			uint32_t cur;
			if (copy_from_user(&cur, uaddr, sizeof cur))
				return -EFAULT;
			if (cur != val3)
				return -EAGAIN;
		}
		return futex_requeue(uaddr, (int)val, uaddr2, n2);
	}
	case FUTEX_WAKE_OP: {
		int n2 = (int)(utime > INT32_MAX ? INT32_MAX : utime);
		if ((err = futex_address(uaddr, private)))
			return err;
		return futex_wake_op(uaddr, (int)(val > INT32_MAX ? INT32_MAX : val), uaddr2, n2, val3);
	}
	default:
		return -ENOSYS; /* the priority-inheritance operations */
	}
}
