/*
 * Ticket spinlocks: CPUs get the lock in the order they asked for it. The
 * _irqsave variants also disable interrupts on this CPU while it is held,
 * for data an interrupt handler touches too.
 *
 * Lock order: every lock has a rank, and a CPU may only take a lock of a
 * higher rank than every lock it holds. Unless NDEBUG is defined, taking
 * one out of order, or one this CPU already holds, panics with both names,
 * so an order that could deadlock fails the first time it runs, not the
 * day two CPUs meet in it. A lock never acquired within 10 seconds panics.
 *
 * While it waits, a CPU runs the cross-calls sent to it (smp.h), so that a
 * CPU waiting with interrupts disabled cannot stall a TLB shootdown sent by
 * the lock's holder.
 */
#ifndef BF_SPINLOCK_H
#define BF_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	volatile uint32_t next;	 /* the ticket the next taker gets */
	volatile uint32_t owner; /* the ticket being served */
	unsigned rank;
	const char *name;
	volatile int holder; /* CPU id holding it, or -1 */
};

/* Ranks, outermost first: a lock is taken only while holding lower ranks. */
enum {
	LOCK_RANK_TEST = 10,         /* selftests' own locks: 10..19 */
	LOCK_RANK_HEAP = 20,         /* kmalloc (takes pmm for its pages) */
	LOCK_RANK_THREAD_CACHE = 25, /* threads kept for reuse (thread.c) */
	LOCK_RANK_PMM = 30,          /* physical pages */
	LOCK_RANK_CALL = 40,         /* one cross-call at a time (smp.c) */
	LOCK_RANK_SCHED = 50,        /* run queues and thread states (sched.c) */
	LOCK_RANK_SAMPLE = 60,       /* the profiler's table, in the timer interrupt */
};

#define SPINLOCK_INIT(lname, lrank) {.next = 0, .owner = 0, .rank = (lrank), .name = (lname), .holder = -1}

void spin_init(struct spinlock *l, const char *name, unsigned rank);
/* Take l, spinning until it is free; interrupts are left as they are. */
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
/* Disable interrupts, then take l; returns the flags spin_unlock_irqrestore
 * needs to put interrupts back as they were. */
uint64_t spin_lock_irqsave(struct spinlock *l);
void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags);
/* True if this CPU holds l. */
bool spin_held(const struct spinlock *l);

#endif
