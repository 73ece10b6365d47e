/*
 * futex: WAIT and WAIT_BITSET (timeouts on CLOCK_MONOTONIC or, with
 * FUTEX_CLOCK_REALTIME, CLOCK_REALTIME), WAKE, WAKE_BITSET, REQUEUE,
 * CMP_REQUEUE and WAKE_OP. One process: private and shared futexes are the
 * same, keyed by address. Waiters sleep in a hash table's lists, in the
 * order they came, under the kernel lock (sched.h).
 *
 * And the priority-inheritance locks (LOCK_PI, LOCK_PI2, TRYLOCK_PI,
 * UNLOCK_PI) that glibc's PTHREAD_PRIO_INHERIT mutexes use: the word holds
 * the owner's tid, and FUTEX_WAITERS once a thread sleeps here for it, so
 * that the owner's unlock comes to the kernel, which hands the lock to the
 * waiter of highest priority (the first come among equals) by writing its
 * tid. While it holds a lock, the owner runs at the highest priority of
 * the threads waiting for it, and so on along a chain of owners that wait
 * themselves (futex_pi_update); a lock whose owner ends goes to its
 * waiter, marked OWNER_DIED (futex_pi_exit). WAIT_REQUEUE_PI and
 * CMP_REQUEUE_PI are not here (glibc's condition variables do not use
 * them).
 *
 * futex_waitv waits on up to 128 words at once, each an ordinary waiter
 * (a wake, requeue or WAKE_OP finds it as any other), and returns the
 * index of the one woken.
 *
 * A wait without a timeout that nothing can end (every other thread waits
 * the same way, and no timer can send a signal) is a deadlock: instead of
 * hanging the machine until the host's timeout, the process is ended as if
 * killed by SIGKILL (status 137) with a report saying why.
 */
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"
#include "vm.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX2_SIZE_U32 0x02 /* futex_waitv's flags for each word */
#define FUTEX2_SIZE_MASK 0x03
#define FUTEX2_PRIVATE 128
#define FUTEX_WAITV_MAX 128

#define BUCKETS 64
#define PI_CHAIN_MAX 1024 /* owners followed from one lock, as Linux */
#define CAS_TRIES 100	/* against a word the program keeps changing */

/* A thread in futex_wait or futex_lock_pi, on its kernel stack. */
struct waiter {
	uint64_t uaddr;
	uint32_t bitset;
	bool woken; /* a priority-inheritance waiter: given the lock */
	struct thread *t;
	struct waiter *next;
	bool pi;   /* waits for a priority-inheritance lock ... */
	int owner; /* ... that this thread holds */
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

/* The same for the lock operations, which write the word: a shared one
 * must be in a writable mapping (EFAULT). */
static int futex_lock_address(uint64_t uaddr, bool private)
{
	unsigned flags = 0;
	int err = futex_address(uaddr, private);
	if (!err && !private && (!vma_mapping_end(uaddr, &flags) || !(flags & VM_WRITE)))
		err = -EFAULT;
	return err;
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
	struct waiter w = {uaddr, bitset, false, t, NULL, false, 0};
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

	if (n < 1)
		n = 1; /* as Linux: it counts after each wake-up */
	for (struct waiter **pp = bucket(uaddr); *pp && woken < n;) {
		struct waiter *w = *pp;
		if (w->uaddr == uaddr && w->pi)
			return -EINVAL; /* a lock's waiters get it from UNLOCK_PI */
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

/* Whether a thread waits at uaddr for a priority-inheritance lock (pi),
 * or in FUTEX_WAIT (!pi). */
static bool waited(uint64_t uaddr, bool pi)
{
	for (struct waiter *w = *bucket(uaddr); w; w = w->next)
		if (w->uaddr == uaddr && w->pi == pi)
			return true;
	return false;
}

/* Wake up to n waiters of uaddr, then move up to n2 more to uaddr2; as
 * Linux, EINVAL on meeting a waiter for a priority-inheritance lock. */
static int64_t futex_requeue(uint64_t uaddr, int n, uint64_t uaddr2, int n2)
{
	int64_t done = n ? futex_wake(uaddr, n, ~0u) : 0;
	struct waiter *moved = NULL, **tail = &moved;

	for (struct waiter **pp = bucket(uaddr); *pp && n2 > 0 && done >= 0;) {
		struct waiter *w = *pp;
		if (w->uaddr != uaddr) {
			pp = &w->next;
			continue;
		}
		if (w->pi) {
			done = -EINVAL;
			break;
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
	if (hit && done >= 0) {
		int more = futex_wake(uaddr2, n2, ~0u);
		done = more < 0 ? more : done + more;
	}
	return done;
}

/* The waiter to hand uaddr's lock to: the highest priority, the first come
 * among equals; NULL if none. */
static struct waiter *pi_top(uint64_t uaddr)
{
	struct waiter *top = NULL;

	for (struct waiter *w = *bucket(uaddr); w; w = w->next)
		if (w->uaddr == uaddr && w->pi && (!top || w->t->rt_priority > top->t->rt_priority))
			top = w;
	return top;
}

/* The priority-inheritance waiter that t is, or NULL. */
static struct waiter *pi_waiter_of(const struct thread *t)
{
	for (int b = 0; b < BUCKETS; b++)
		for (struct waiter *w = buckets[b]; w; w = w->next)
			if (w->pi && w->t == t)
				return w;
	return NULL;
}

/* The holder of the priority-inheritance lock t waits for: the next link
 * of its chain, or NULL. */
static struct thread *pi_next(const struct thread *t)
{
	struct waiter *w = pi_waiter_of(t);
	return w ? thread_find(w->owner) : NULL;
}

void futex_pi_update(struct thread *t)
{
	for (int n = 0; t && n < PI_CHAIN_MAX; n++) {
		unsigned prio = t->base_priority;
		for (int b = 0; b < BUCKETS; b++)
			for (struct waiter *w = buckets[b]; w; w = w->next)
				if (w->pi && w->owner == t->tid && w->t->rt_priority > prio)
					prio = w->t->rt_priority;
		if (prio != t->rt_priority)
			sched_set_priority(t, t->policy, prio);
		else if (n)
			return; /* and so on up the chain (t's own, set by the
				 * caller, still passes on to its lock's owner) */
		t = pi_next(t);
	}
}

/* Give the lock at uaddr, whose word holds cur, to waiter w: the word
 * becomes its tid and FUTEX_WAITERS (as Linux, whether or not others
 * wait), and FUTEX_OWNER_DIED if dead. 0, -EAGAIN with the word's value in
 * cur if it changed meanwhile, or -EFAULT. */
static int pi_hand_over(uint64_t uaddr, uint32_t *cur, struct waiter *w, bool dead)
{
	uint32_t nv = (uint32_t)w->t->tid | FUTEX_WAITERS | (dead ? FUTEX_OWNER_DIED : 0);
	int err = cmpxchg_user(uaddr, cur, nv);
	if (err)
		return err;
	struct thread *before = thread_find(w->owner);
	unlist(w);
	w->woken = true;
	w->t->forever = false;
	for (struct waiter *o = *bucket(uaddr); o; o = o->next)
		if (o->uaddr == uaddr && o->pi)
			o->owner = w->t->tid;
	sched_wake(w->t);
	if (before)
		futex_pi_update(before); /* what it inherited from them */
	futex_pi_update(w->t);		 /* from those who wait on */
	return 0;
}

/* Whether the lock t would wait for, held by owner, waits in turn on a lock
 * of t's (a chain back to t): Linux refuses that wait with EDEADLK. */
static bool pi_cycle(const struct thread *t, int owner)
{
	const struct thread *o = thread_find(owner);
	for (int n = 0; o && n < PI_CHAIN_MAX; n++, o = pi_next(o))
		if (o == t)
			return true;
	return false;
}

/* LOCK_PI and LOCK_PI2 (deadline: absolute, NULL for none), TRYLOCK_PI
 * (try): take the lock at uaddr, or wait for its owner to hand it over. */
static int64_t futex_lock_pi(uint64_t uaddr, const uint64_t *deadline, bool try, bool private)
{
	struct thread *t = current_thread();
	uint32_t cur, tid = (uint32_t)t->tid;
	int err = futex_lock_address(uaddr, private), owner = 0;

	if (err)
		return err;
	if (copy_from_user(&cur, uaddr, sizeof cur))
		return -EFAULT;
	for (int tries = 0;; tries++) { /* cur: the word as last read */
		if (tries == CAS_TRIES) /* the program keeps changing it: */
			return -ERESTARTNOINTR; /* again, the kernel lock let go */
		if ((cur & FUTEX_TID_MASK) == tid)
			return -EDEADLK;
		if (waited(uaddr, false))
			return -EINVAL;	       /* a FUTEX_WAIT word, as Linux says */
		if (!(cur & FUTEX_TID_MASK)) { /* free: OWNER_DIED stays for the new owner to see */
			/* but not with waiters: no unlock frees such a word
			 * (the program cleared it), and Linux refuses it */
			if (waited(uaddr, true))
				return -EINVAL;
			err = cmpxchg_user(uaddr, &cur, (cur & FUTEX_OWNER_DIED) | tid);
			if (err == -EAGAIN)
				continue;
			return err;
		}
		/* The owner's unlock must come here: FUTEX_WAITERS (a trylock
		 * sets it too, as Linux's). */
		if (!(cur & FUTEX_WAITERS)) {
			err = cmpxchg_user(uaddr, &cur, cur | FUTEX_WAITERS);
			if (err == -EAGAIN)
				continue;
			if (err)
				return err;
			cur |= FUTEX_WAITERS;
		}
		owner = (int)(cur & FUTEX_TID_MASK);
		if (!thread_find(owner))
			return -ESRCH; /* no thread of the process holds it */
		break;
	}
	if (try)
		return -EAGAIN;
	if (pi_cycle(t, owner))
		return -EDEADLK;
	struct waiter w = {uaddr, ~0u, false, t, NULL, true, owner};
	enlist(&w);
	futex_pi_update(thread_find(owner));
	while (!w.woken && !err)
		err = thread_wait_step(deadline ? *deadline : THREAD_NO_DEADLINE);
	if (w.woken)
		return 0; /* handed over, whatever else happened meanwhile */
	unlist(&w);
	futex_pi_update(thread_find(w.owner)); /* it inherits no more from this one */
	if (err == -EDEADLK)
		proc_killed(syscall_frame(), SIGKILL,
			    "futex lock whose owner waits for ever (a deadlock)", "", true);
	/* a signal: its handler runs, and the lock is waited for again
	 * (Linux never ends LOCK_PI with EINTR); or -ETIMEDOUT */
	return err == -EINTR ? -ERESTARTNOINTR : err;
}

/* UNLOCK_PI: the caller's lock at uaddr goes to its top waiter, else is
 * free (0). As Linux, the word is read and its owner checked (EPERM)
 * before the address is (EINVAL). */
static int64_t futex_unlock_pi(uint64_t uaddr, bool private)
{
	uint32_t cur, tid = (uint32_t)current_thread()->tid;
	int err;

	if (uaddr >= USER_TOP || uaddr + 4 > USER_TOP || copy_from_user(&cur, uaddr, sizeof cur))
		return -EFAULT;
	if ((cur & FUTEX_TID_MASK) != tid)
		return -EPERM;
	if ((err = futex_lock_address(uaddr, private)))
		return err;
	for (int tries = 0; tries < CAS_TRIES; tries++) {
		if ((cur & FUTEX_TID_MASK) != tid)
			return -EPERM;
		struct waiter *top = pi_top(uaddr);
		err = top ? pi_hand_over(uaddr, &cur, top, false) : cmpxchg_user(uaddr, &cur, 0);
		if (err != -EAGAIN)
			return err;
	}
	return -ERESTARTNOINTR; /* the program keeps changing it: again */
}

/* Whether a lock word with waiters in the kernel, cur, was left by t as it
 * ends: held by it, or left free by its robust list (owner 0 and
 * OWNER_DIED), no unlock coming either way. */
static bool pi_left_by(uint32_t cur, const struct thread *t)
{
	uint32_t owner = cur & FUTEX_TID_MASK;
	return owner == (uint32_t)t->tid || (!owner && (cur & FUTEX_OWNER_DIED));
}

void futex_pi_exit(struct thread *t)
{
	for (int b = 0; b < BUCKETS; b++) {
		for (struct waiter *w = buckets[b]; w;) {
			uint32_t cur;
			if (!w->pi || copy_from_user(&cur, w->uaddr, sizeof cur)) {
				w = w->next;
				continue;
			}
			if (!pi_left_by(cur, t)) {
				w = w->next;
				continue;
			}
			/* as Linux, the waiter learns that the owner died,
			 * robust or not */
			struct waiter *top = pi_top(w->uaddr);
			int err = -EAGAIN;
			for (int tries = 0;
			     err == -EAGAIN && tries < CAS_TRIES && pi_left_by(cur, t); tries++)
				err = pi_hand_over(w->uaddr, &cur, top, true);
			w = err ? w->next : buckets[b]; /* the list changed */
		}
	}
}

SYSCALL_DEFINE6(futex, uint64_t, uaddr, int, op, uint32_t, val, uint64_t, utime, uint64_t, uaddr2,
		uint32_t, val3)
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
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_TRYLOCK_PI:
		/* an absolute deadline: LOCK_PI's on CLOCK_REALTIME, LOCK_PI2's
		 * on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME */
		if (utime && cmd != FUTEX_TRYLOCK_PI) {
			err =
			    futex_deadline(utime, cmd, realtime || cmd == FUTEX_LOCK_PI, &deadline);
			if (err)
				return err;
		}
		return futex_lock_pi(uaddr, utime && cmd != FUTEX_TRYLOCK_PI ? &deadline : NULL,
				     cmd == FUTEX_TRYLOCK_PI, private);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, private);
	default:
		return -ENOSYS; /* WAIT_REQUEUE_PI, CMP_REQUEUE_PI */
	}
}

/* One word of futex_waitv, as the program lays it out. */
struct futex_waitv_user {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

/* futex_waitv's checks of the words, Linux's order: every entry's flags
 * (32-bit words only), then their addresses, then their values in order
 * (EAGAIN at the first that differs); the kernel lock makes the reads and
 * the enlisting one step, as Linux's hash-bucket locks do. */
static int waitv_setup(uint64_t uwaiters, unsigned n, struct waiter *w)
{
	struct thread *t = current_thread();
	uint32_t val[FUTEX_WAITV_MAX];

	bool private[FUTEX_WAITV_MAX];

	for (unsigned i = 0; i < n; i++) {
		struct futex_waitv_user e;
		if (copy_from_user(&e, uwaiters + i * sizeof e, sizeof e))
			return -EFAULT;
		if ((e.flags & ~(uint32_t)(FUTEX2_SIZE_MASK | FUTEX2_PRIVATE)) || e.reserved ||
		    (e.flags & FUTEX2_SIZE_MASK) != FUTEX2_SIZE_U32)
			return -EINVAL;
		w[i] = (struct waiter){e.uaddr, ~0u, false, t, NULL, false, 0};
		val[i] = (uint32_t)e.val; /* as Linux 6.1: its low 32 bits */
		private[i] = e.flags & FUTEX2_PRIVATE;
	}
	for (unsigned i = 0; i < n; i++) {
		int err = futex_address(w[i].uaddr, private[i]);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t cur;
		if (copy_from_user(&cur, w[i].uaddr, sizeof cur))
			return -EFAULT;
		if (cur != val[i])
			return -EAGAIN;
	}
	for (unsigned i = 0; i < n; i++)
		enlist(&w[i]);
	return 0;
}

/* 1 + the index of the last of w[0..n) woken (Linux returns that one),
 * or 0. */
static int waitv_woken(const struct waiter *w, unsigned n)
{
	for (unsigned i = n; i > 0; i--)
		if (w[i - 1].woken)
			return (int)i;
	return 0;
}

/* futex_waitv(waiters, n, flags, timeout, clockid): sleep until one of n
 * words is woken (its index), a signal, or the absolute timeout on
 * clockid (CLOCK_MONOTONIC or CLOCK_REALTIME). */
SYSCALL_DEFINE5(futex_waitv, uint64_t, uwaiters, unsigned, n, unsigned, flags, uint64_t, utime,
		int, clockid)
{
	uint64_t deadline = THREAD_NO_DEADLINE;
	int err;

	if (flags || !n || n > FUTEX_WAITV_MAX || !uwaiters)
		return -EINVAL;
	if (utime) {
		if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC)
			return -EINVAL;
		if ((err = timespec_from_user(utime, 1, &deadline)))
			return err;
		if (clockid == CLOCK_REALTIME)
			deadline = deadline_at_realtime(deadline);
	}
	struct waiter *w = kmalloc(n * sizeof *w);
	if (!w)
		return -ENOMEM;
	err = waitv_setup(uwaiters, n, w);
	if (err) {
		kfree(w);
		return err;
	}
	while (!err && !waitv_woken(w, n))
		err = thread_wait_step(deadline);
	int woken = waitv_woken(w, n) - 1; /* woken meanwhile, even on err */
	for (unsigned i = 0; i < n; i++)
		if (!w[i].woken)
			unlist(&w[i]);
	kfree(w);
	if (woken >= 0)
		return woken;
	if (err == -EDEADLK)
		proc_killed(syscall_frame(), SIGKILL,
			    "futex_waitv with no other thread to wake it (a deadlock)", "", true);
	/* -EINTR: restarted when its handler has SA_RESTART (the timeout is
	 * absolute); or -ETIMEDOUT */
	return err == -EINTR ? -ERESTARTSYS : err;
}
