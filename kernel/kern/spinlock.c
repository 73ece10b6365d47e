/* Ticket spinlocks with a lock-order (rank) check; see spinlock.h. */
#include "spinlock.h"

#include "panic.h"
#include "percpu.h"
#include "smp.h"
#include "timer.h"
#include "x86.h"

#define SPIN_TIMEOUT_NS (10 * NS_PER_SEC)

void spin_init(struct spinlock *l, const char *name, unsigned rank)
{
	*l = (struct spinlock)SPINLOCK_INIT(name, rank);
}

#ifndef NDEBUG
static void rank_check(const struct spinlock *l, struct percpu *cpu)
{
	if (l->holder == (int)cpu->id)
		panic("spin_lock: %s: already held by this CPU (%u)", l->name, cpu->id);
	for (unsigned i = 0; i < cpu->lock_depth; i++)
		if (cpu->lock_rank[i] >= l->rank)
			panic("spin_lock: %s (rank %u) taken while holding a lock of rank %u: lock order",
			      l->name, l->rank, cpu->lock_rank[i]);
	if (cpu->lock_depth == LOCK_DEPTH_MAX)
		panic("spin_lock: %s: more than %d locks held", l->name, LOCK_DEPTH_MAX);
}
#endif

void spin_lock(struct spinlock *l)
{
	struct percpu *cpu = this_cpu();

#ifndef NDEBUG
	rank_check(l, cpu);
#endif
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	uint64_t deadline = 0;
	for (uint32_t spin = 0; __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket; spin++) {
		smp_poll_calls();
		cpu_relax();
		if ((spin & 0xffff) == 0xffff) {
			if (!deadline)
				deadline = time_ns() + SPIN_TIMEOUT_NS;
			else if (time_ns() > deadline)
				panic("spin_lock: %s: not acquired in 10 s (held by CPU %d)", l->name, l->holder);
		}
	}
	l->holder = (int)cpu->id;
	cpu->lock_rank[cpu->lock_depth++] = l->rank;
}

void spin_unlock(struct spinlock *l)
{
	struct percpu *cpu = this_cpu();
	unsigned i = cpu->lock_depth;

	if (l->holder != (int)cpu->id)
		panic("spin_unlock: %s: not held by this CPU (%u)", l->name, cpu->id);
	while (i > 0 && cpu->lock_rank[i - 1] != l->rank)
		i--;
	KASSERT(i > 0);
	for (; i < cpu->lock_depth; i++) /* out of order releases are allowed */
		cpu->lock_rank[i - 1] = cpu->lock_rank[i];
	cpu->lock_depth--;
	l->holder = -1;
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = irq_save();

	spin_lock(l);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

bool spin_held(const struct spinlock *l) { return l->holder == (int)this_cpu()->id; }
