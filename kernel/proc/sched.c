/* Threads on CPUs: run queues, switching, sleeping and the kernel lock (sched.h). */
#include "sched.h"

#include "apic.h"
#include "cpu.h"
#include "heap.h"
#include "panic.h"
#include "percpu.h"
#include "proc.h"
#include "smp.h"
#include "spinlock.h"
#include "task.h"
#include "timer.h"
#include "trap.h"
#include "vm.h"
#include "x86.h"

/* Save the callee-saved registers on this stack, store RSP in *save, load
 * next, and return into the context saved there (switch.S). */
void sched_switch(uint64_t *save, uint64_t next);
void thread_free(struct thread *t); /* thread.c */

static struct spinlock sched_lock = SPINLOCK_INIT("sched", LOCK_RANK_SCHED);
static volatile uint32_t klock_next, klock_owner;
static volatile int klock_holder = -1;

void kernel_lock(void)
{
	uint32_t ticket = __atomic_fetch_add(&klock_next, 1, __ATOMIC_RELAXED);

	KASSERT(klock_holder != (int)this_cpu()->id);
	/* A holder may take a while (a disk read): no time limit. Cross-calls
	 * are answered meanwhile, as the holder may be shooting down a TLB. */
	while (__atomic_load_n(&klock_owner, __ATOMIC_ACQUIRE) != ticket) {
		smp_poll_calls();
		cpu_relax();
	}
	klock_holder = (int)this_cpu()->id;
}

bool kernel_trylock(void)
{
	uint32_t owner = __atomic_load_n(&klock_owner, __ATOMIC_ACQUIRE), expect = owner;

	if (!__atomic_compare_exchange_n(&klock_next, &expect, owner + 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	klock_holder = (int)this_cpu()->id;
	return true;
}

void kernel_unlock(void)
{
	KASSERT(klock_holder == (int)this_cpu()->id);
	klock_holder = -1;
	__atomic_store_n(&klock_owner, klock_owner + 1, __ATOMIC_RELEASE);
}

bool kernel_locked(void) { return klock_holder == (int)this_cpu()->id; }

void sched_kick(unsigned cpu)
{
	if (cpu != this_cpu()->id && cpu < smp_cpus())
		lapic_send(percpu_of(cpu)->apic_id, ICR_FIXED | ICR_ASSERT | IRQ_CALL);
}

/* A thread of a higher priority than the one cpu runs waits for it: the
 * running one leaves at its next way out of the kernel. */
static void outranked(struct percpu *cpu, const struct thread *t)
{
	const struct thread *running = cpu->thread;

	if (!running || running == t || t->rt_priority <= running->rt_priority)
		return;
	cpu->need_resched = true;
	sched_kick(cpu->id);
}

/* Put t on cpu's queue after prev (NULL: first). */
static void link_queued(struct percpu *cpu, struct thread *prev, struct thread *t)
{
	t->state = THREAD_RUNNABLE;
	t->rq_next = prev ? prev->rq_next : cpu->runq_head;
	if (prev)
		prev->rq_next = t;
	else
		cpu->runq_head = t;
	if (!t->rq_next)
		cpu->runq_tail = t;
	cpu->runq_len++;
}

static void enqueue(struct percpu *cpu, struct thread *t)
{
	link_queued(cpu, cpu->runq_tail, t);
	outranked(cpu, t);
}

/* Take t, which follows prev (NULL: it is first), off cpu's queue. */
static void unlink_queued(struct percpu *cpu, struct thread *prev, struct thread *t)
{
	if (prev)
		prev->rq_next = t->rq_next;
	else
		cpu->runq_head = t->rq_next;
	if (cpu->runq_tail == t)
		cpu->runq_tail = prev;
	cpu->runq_len--;
	t->rq_next = NULL;
}

/* The first thread of the highest priority on cpu's queue that may run on
 * CPU `on`, taken off it. */
static struct thread *dequeue(struct percpu *cpu, unsigned on)
{
	struct thread *prev = NULL, *best = NULL, *best_prev = NULL;

	for (struct thread *t = cpu->runq_head; t; prev = t, t = t->rq_next) {
		if ((t->affinity >> on & 1) && (!best || t->rt_priority > best->rt_priority)) {
			best = t;
			best_prev = prev;
		}
	}
	if (best)
		unlink_queued(cpu, best_prev, best);
	return best;
}

/* The highest real-time priority waiting on cpu's queue, 0 if none
 * (sched_lock held). */
static unsigned highest_waiting(const struct percpu *cpu)
{
	unsigned rt = 0;
	for (const struct thread *t = cpu->runq_head; t; t = t->rq_next)
		if (t->rt_priority > rt)
			rt = t->rt_priority;
	return rt;
}

/* Whether t, running on cpu with its slice over, gives the CPU up
 * (sched_lock held): a SCHED_FIFO thread never, nor one of another policy
 * but SCHED_RR running at a priority it inherits (a PI lock's holder: as
 * Linux, like SCHED_FIFO), a SCHED_RR one to a thread of its priority or
 * higher, the others to any. */
static bool slice_ends(const struct percpu *cpu, const struct thread *t)
{
	if (t->policy == SCHED_FIFO || (t->policy != SCHED_RR && t->rt_priority > t->base_priority))
		return false;
	return t->policy == SCHED_RR ? highest_waiting(cpu) >= t->rt_priority : cpu->runq_len != 0;
}

/* Put t (running on cpu) back first among the threads of its priority,
 * which it leaves for a higher one: its turn is not over. */
static void enqueue_first_of_its_priority(struct percpu *cpu, struct thread *t)
{
	struct thread *prev = NULL;

	for (struct thread *q = cpu->runq_head; q && q->rt_priority > t->rt_priority; q = q->rq_next)
		prev = q;
	link_queued(cpu, prev, t);
}

/* Which CPU should run t, now runnable: its last one if idle, else an idle
 * one it may run on; else, for a real-time t, the one running the lowest
 * priority below t's; else the shortest queue among those (its own on a
 * tie). */
static unsigned place(const struct thread *t)
{
	unsigned best = t->cpu, n = smp_cpus();

	if (!(t->affinity >> best & 1) || best >= n)
		best = (unsigned)__builtin_ctzll(t->affinity);
	if (percpu_of(best)->idle)
		return best;
	for (unsigned i = 0; i < n; i++)
		if ((t->affinity >> i & 1) && percpu_of(i)->idle && percpu_of(i)->online)
			return i;
	/* a CPU's rank: the highest priority it runs or has queued */
	unsigned low = n, lowest = t->rt_priority;
	for (unsigned i = 0; i < n && t->rt_priority; i++) {
		const struct percpu *c = percpu_of(i);
		unsigned rank = highest_waiting(c);
		if (c->thread && c->thread->rt_priority > rank)
			rank = c->thread->rt_priority;
		if ((t->affinity >> i & 1) && c->online &&
		    (rank < lowest || (rank == lowest && low < n && i == t->cpu)))
			low = i, lowest = rank;
	}
	if (low < n)
		return low;
	for (unsigned i = 0; i < n; i++)
		if ((t->affinity >> i & 1) && percpu_of(i)->online &&
		    percpu_of(i)->runq_len < percpu_of(best)->runq_len)
			best = i;
	return best;
}

/* Queue t where place() says, waking that CPU if it is idle. */
static void enqueue_placed(struct thread *t)
{
	unsigned cpu = place(t);

	enqueue(percpu_of(cpu), t);
	if (percpu_of(cpu)->idle)
		sched_kick(cpu);
}

/* Queue t on cpu if its mask allows it, else on a CPU it does allow (its
 * mask changed while it ran or slept here). */
static void requeue(struct percpu *cpu, struct thread *t)
{
	if (t->affinity >> cpu->id & 1)
		enqueue(cpu, t);
	else
		enqueue_placed(t);
}

static void unlink_sleeper(struct thread *t)
{
	struct thread **pp = &percpu_of(t->cpu)->sleepers;

	while (*pp && *pp != t)
		pp = &(*pp)->rq_next;
	if (*pp)
		*pp = t->rq_next;
	t->tick_wake = false;
}

void sched_wake(struct thread *t)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);

	if (t->state == THREAD_SLEEPING) {
		if (t->tick_wake)
			unlink_sleeper(t);
		enqueue_placed(t);
	} else if (t->state == THREAD_RUNNING && t->cpu != this_cpu()->id) {
		sched_kick(t->cpu); /* into the kernel, where a signal or exit waits */
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

/* Give this CPU back to its scheduler loop; t's state is already set and
 * sched_lock held. Returns when some CPU runs t again, still holding it. */
static void to_scheduler(struct thread *t)
{
	fpu_save(t->fpu_ctx);
	t->fs_base = rdmsr(MSR_FS_BASE); /* WRFSBASE may have moved them */
	t->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	sched_switch(&t->rsp, this_cpu()->sched_rsp);
}

void sched_sleep(bool tick)
{
	struct thread *t = current_thread();
	uint64_t flags = irq_save();

	spin_lock(&sched_lock);
	t->state = THREAD_SLEEPING;
	t->tick_wake = tick;
	if (tick) {
		t->rq_next = this_cpu()->sleepers;
		this_cpu()->sleepers = t;
	}
	kernel_unlock();
	to_scheduler(t);
	spin_unlock(&sched_lock);
	irq_restore(flags);
	kernel_lock();
}

void sched_wait_interrupt(void)
{
	if (current_thread() && kernel_locked())
		sched_sleep(true);
	else
		cpu_wait_interrupt();
}

void sched_yield_cpu(void)
{
	struct thread *t = current_thread();
	uint64_t flags = irq_save();

	spin_lock(&sched_lock);
	if (!this_cpu()->runq_len && (t->affinity >> this_cpu()->id & 1)) {
		spin_unlock(&sched_lock);
		irq_restore(flags);
		return;
	}
	requeue(this_cpu(), t);
	kernel_unlock();
	to_scheduler(t);
	spin_unlock(&sched_lock);
	irq_restore(flags);
	kernel_lock();
}

void sched_migrate(void)
{
	struct thread *t = current_thread();
	uint64_t flags = irq_save();

	spin_lock(&sched_lock);
	enqueue_placed(t);
	kernel_unlock();
	to_scheduler(t); /* no CPU takes it off the queue before the lock is free */
	spin_unlock(&sched_lock);
	irq_restore(flags);
	kernel_lock();
}

void sched_start(struct thread *t)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);

	enqueue(this_cpu(), t);
	spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_preempt(void)
{
	struct percpu *cpu = this_cpu();
	struct thread *t = cpu->thread;

	if (!cpu->need_resched || !t)
		return;
	cpu->need_resched = false;
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	if (cpu->runq_len || !(t->affinity >> cpu->id & 1)) {
		/* a real-time thread whose turn is not over (a higher one came) */
		bool first = (t->affinity >> cpu->id & 1) &&
			     (t->policy == SCHED_FIFO || (t->policy == SCHED_RR && t->slice));
		if (first)
			enqueue_first_of_its_priority(cpu, t);
		else
			requeue(cpu, t);
		to_scheduler(t);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

/* The queue t waits on (it is THREAD_RUNNABLE), with t taken off it. */
static struct percpu *unqueue(struct thread *t)
{
	for (unsigned i = 0; i < smp_cpus(); i++) {
		struct percpu *cpu = percpu_of(i);
		struct thread *prev = NULL;
		for (struct thread *q = cpu->runq_head; q; prev = q, q = q->rq_next) {
			if (q == t) {
				unlink_queued(cpu, prev, t);
				return cpu;
			}
		}
	}
	panic("sched: a runnable thread on no queue");
}

void sched_set_affinity(struct thread *t, uint64_t mask)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);

	t->affinity = mask;
	if (t->state == THREAD_RUNNABLE) {
		requeue(unqueue(t), t);
	} else if (t->state == THREAD_RUNNING && !(mask >> t->cpu & 1) &&
		   t->cpu != this_cpu()->id) {
		/* Off that CPU at its next way out of the kernel (sched_preempt). */
		percpu_of(t->cpu)->need_resched = true;
		sched_kick(t->cpu);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_exit(void)
{
	struct thread *t = current_thread();

	irq_disable();
	spin_lock(&sched_lock);
	t->state = THREAD_DEAD;
	__atomic_fetch_sub(&t->proc->nthreads, 1, __ATOMIC_SEQ_CST); /* clone adds under the kernel lock */
	kernel_unlock();
	to_scheduler(t);
	panic("sched_exit: a dead thread ran again");
}

bool sched_others_waiting(void) { return this_cpu()->runq_len != 0; }

void sched_set_priority(struct thread *t, int policy, unsigned rt_priority)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	bool same = t->rt_priority == rt_priority;

	t->policy = policy;
	t->rt_priority = rt_priority;
	if (same) {
		/* nothing to reorder */
	} else if (t->state == THREAD_RUNNABLE) {
		requeue(unqueue(t), t); /* outranking the one running there, perhaps */
	} else if (t->state == THREAD_RUNNING) {
		/* lowered below one waiting: off the CPU at its next way out */
		struct percpu *cpu = percpu_of(t->cpu);
		if (highest_waiting(cpu) > rt_priority) {
			cpu->need_resched = true;
			sched_kick(t->cpu);
		}
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

uint64_t sched_thread_cpu_ns(void)
{
	return time_tsc_to_ns(thread_cpu_tsc(current_thread()));
}

void sched_interrupt(bool timer)
{
	struct percpu *cpu = this_cpu();

	if (cpu->sleepers) {
		spin_lock(&sched_lock);
		while (cpu->sleepers) {
			struct thread *t = cpu->sleepers;
			cpu->sleepers = t->rq_next;
			t->tick_wake = false;
			requeue(cpu, t);
		}
		spin_unlock(&sched_lock);
	}
	struct thread *t = cpu->thread;
	if (timer && t) { /* in the kernel too: it is preempted on its way out */
		if (t->slice)
			t->slice--;
		if (!t->slice) {
			spin_lock(&sched_lock);
			if (slice_ends(cpu, t))
				cpu->need_resched = true;
			spin_unlock(&sched_lock);
		}
	}
}

/* t's time slice in ticks: SCHED_SLICE_TICKS, or for a thread that is
 * neither SCHED_FIFO nor SCHED_RR that scaled by 1.25 for each step of
 * nice below 0 and by 0.8 for each above, as Linux weighs CPU shares: taking
 * turns, threads of nice -5 and 0 share a CPU 3 to 1 (6 ticks to 2). In
 * whole ticks, at least one and at most SCHED_SLICE_MAX: nice 1 is 2
 * ticks as 0 is, and every nice from 2 up 1 tick, half of nice 0's. */
static unsigned slice_of(const struct thread *t)
{
	if (t->policy == SCHED_FIFO || t->policy == SCHED_RR || !t->nice)
		return SCHED_SLICE_TICKS;
	uint64_t w = SCHED_SLICE_TICKS * 1024;
	for (int n = t->nice; n < 0 && w < SCHED_SLICE_MAX * 1024; n++)
		w = w * 5 / 4;
	for (int n = t->nice; n > 0; n--)
		w = w * 4 / 5;
	unsigned ticks = (unsigned)((w + 512) / 1024);
	return ticks < 1 ? 1 : ticks > SCHED_SLICE_MAX ? SCHED_SLICE_MAX : ticks;
}

/* Switch from cpu's scheduler loop to t, taken off a queue; sched_lock is
 * held and interrupts are off, and both are so again when t gives the CPU back. */
static void run(struct percpu *cpu, struct thread *t)
{
	t->state = THREAD_RUNNING;
	t->cpu = cpu->id;
	t->slice = slice_of(t);
	cpu->thread = t;
	cpu->need_resched = false;
	if (cpu->as != t->proc->as)
		vm_switch(t->proc->as);
	cpu->kernel_rsp = t->kstack_top;
	gdt_set_kernel_stack(t->kstack_top);
	wrmsr(MSR_FS_BASE, t->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, t->gs_base);
	fpu_restore(t->fpu_ctx);
	cputime_stint_begin(t);
	sched_switch(&cpu->sched_rsp, t->rsp);
	cputime_stint_end(t);
	cpu->thread = NULL;
}

/* True if a thread on cpu's queue may run on CPU `on`. */
static bool has_runnable_on(const struct percpu *cpu, unsigned on)
{
	for (const struct thread *t = cpu->runq_head; t; t = t->rq_next)
		if (t->affinity >> on & 1)
			return true;
	return false;
}

/* A thread for this CPU: its own queue's first, else one from the longest
 * other queue that holds a thread allowed here (the load balancing). */
static struct thread *pick(struct percpu *cpu)
{
	struct thread *t = dequeue(cpu, cpu->id);
	struct percpu *from = NULL;

	if (t)
		return t;
	for (unsigned i = 0; i < smp_cpus(); i++)
		if (i != cpu->id && percpu_of(i)->runq_len &&
		    (!from || percpu_of(i)->runq_len > from->runq_len) &&
		    has_runnable_on(percpu_of(i), cpu->id))
			from = percpu_of(i);
	return from ? dequeue(from, cpu->id) : NULL;
}

/* The scheduler loop: until `until` has no thread left (CPU 0), or for
 * ever, running work_fn's work when there is no thread to run. */
static void loop(struct proc *until, bool (*work_fn)(void))
{
	struct percpu *cpu = this_cpu();

	for (;;) {
		irq_disable();
		spin_lock(&sched_lock);
		struct thread *t = pick(cpu);
		if (t) {
			run(cpu, t);
			bool dead = t->state == THREAD_DEAD;
			bool last = dead && __atomic_load_n(&t->proc->nthreads, __ATOMIC_SEQ_CST) == 0;
			spin_unlock(&sched_lock);
			if (dead && t != t->proc->thread)
				thread_free(t);
			if (last)
				sched_kick(0); /* CPU 0's loop returns to proc_run */
			continue;
		}
		if (until && !__atomic_load_n(&until->nthreads, __ATOMIC_SEQ_CST)) {
			spin_unlock(&sched_lock);
			return;
		}
		cpu->idle = true;
		spin_unlock(&sched_lock);
		if (work_fn && work_fn()) {
			cpu->idle = false;
			continue;
		}
		cpu_wait_interrupt(); /* interrupts stay off until its hlt */
		cpu->idle = false;
	}
}

void sched_run(struct proc *p) { loop(p, NULL); }

void sched_idle(bool (*work_fn)(void))
{
	loop(NULL, work_fn);
	panic("sched_idle: the loop ended");
}

/* A new thread's first instructions, from switch.S: its scheduler loop
 * switched here holding sched_lock. */
void sched_thread_start(void);
void sched_thread_start(void) { spin_unlock(&sched_lock); }
