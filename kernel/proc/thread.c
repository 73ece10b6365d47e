/*
 * Threads of the process: clone and clone3 (the flags pthread_create
 * passes), thread exit with CHILD_CLEARTID and robust futexes, exit_group
 * reaching every thread on every CPU, and the thread limit.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "panic.h"
#include "pmm.h"
#include "proc.h"
#include "sched.h"
#include "segments.h"
#include "smp.h"
#include "spinlock.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"
#include "vm.h"
#include "x86.h"

#define KSTACK_PAGES 16 /* 64 KiB: path names (4 KiB each) live on it */

#define CLONE_VM 0x00000100ul
#define CLONE_FS 0x00000200ul
#define CLONE_FILES 0x00000400ul
#define CLONE_SIGHAND 0x00000800ul
#define CLONE_PIDFD 0x00001000ul
#define CLONE_PTRACE 0x00002000ul
#define CLONE_VFORK 0x00004000ul
#define CLONE_PARENT 0x00008000ul
#define CLONE_THREAD 0x00010000ul
#define CLONE_NEWNS 0x00020000ul
#define CLONE_SYSVSEM 0x00040000ul
#define CLONE_SETTLS 0x00080000ul
#define CLONE_PARENT_SETTID 0x00100000ul
#define CLONE_CHILD_CLEARTID 0x00200000ul
#define CLONE_DETACHED 0x00400000ul
#define CLONE_UNTRACED 0x00800000ul
#define CLONE_CHILD_SETTID 0x01000000ul
#define CLONE_IO 0x80000000ul
/* What a thread of this process may ask for; the rest (namespaces, pidfd,
 * vfork) is refused. */
#define CLONE_THREAD_OK                                                                          \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |      \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID |        \
	 CLONE_DETACHED | CLONE_UNTRACED | CLONE_IO | CLONE_PTRACE)
#define CLONE_THREAD_NEEDS (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)

/* Robust futexes (Linux's uapi/linux/futex.h): the most entries walked. */
#define ROBUST_LIST_LIMIT 2048

void thread_entry(void); /* switch.S */

/* Threads that died, kept with their kernel stacks for the next threads:
 * both are large heap blocks, and freeing one unmaps it, which costs every
 * other CPU a TLB shootdown; a program making and joining threads one by
 * one would pay two per thread. proc_destroy empties it, so that the
 * program's pages all come back. */
#define THREAD_CACHE 32
static struct thread *thread_cache[THREAD_CACHE];
static unsigned thread_cached;
static struct spinlock cache_lock = SPINLOCK_INIT("thread cache", LOCK_RANK_THREAD_CACHE);

/* A thread from the cache, or NULL. */
static struct thread *cache_take(void)
{
	uint64_t flags = spin_lock_irqsave(&cache_lock);
	struct thread *t = thread_cached ? thread_cache[--thread_cached] : NULL;

	spin_unlock_irqrestore(&cache_lock, flags);
	return t;
}

/* Keep t and its stack for reuse, or free them if the cache is full. */
static void cache_put(struct thread *t)
{
	uint64_t flags = spin_lock_irqsave(&cache_lock);
	bool kept = thread_cached < THREAD_CACHE;

	if (kept)
		thread_cache[thread_cached++] = t;
	spin_unlock_irqrestore(&cache_lock, flags);
	if (!kept) {
		kfree(t->kstack);
		kfree(t);
	}
}

void thread_cache_release(void)
{
	struct thread *t;

	while ((t = cache_take())) {
		kfree(t->kstack);
		kfree(t);
	}
}

struct thread *thread_alloc(struct proc *p)
{
	struct thread *t = cache_take();
	void *stack = t ? t->kstack : kmalloc_guarded(KSTACK_PAGES * PAGE_SIZE); /* an overflow faults (#DF) */

	if (t)
		memset(t, 0, sizeof *t);
	else
		t = kzalloc(sizeof *t);
	if (!t || !stack) {
		kfree(t);
		kfree(stack);
		return NULL;
	}
	KASSERT(((uintptr_t)t->fpu & 63) == 0 && ((uintptr_t)t->fpu_ctx & 63) == 0);
	t->proc = p;
	t->kstack = stack;
	t->kstack_top = (uint64_t)(uintptr_t)t->kstack + KSTACK_PAGES * PAGE_SIZE;
	t->affinity = smp_program_mask();
	t->state = THREAD_SLEEPING; /* until sched_wake makes it runnable */
	signal_init(t);
	return t;
}

void thread_free(struct thread *t)
{
	signal_thread_release(t);
	cache_put(t);
}

void thread_set_start(struct thread *t, const struct trapframe *regs)
{
	struct trapframe *tf = (struct trapframe *)(t->kstack_top - sizeof *tf);
	uint64_t *sp = (uint64_t *)tf;

	*tf = *regs;
	*--sp = (uint64_t)(uintptr_t)thread_entry; /* sched_switch's return address */
	for (int i = 0; i < 6; i++)		  /* its callee-saved registers */
		*--sp = 0;
	t->rsp = (uint64_t)(uintptr_t)sp;
}

/* Link t into p's threads and count it. */
static void attach(struct proc *p, struct thread *t)
{
	t->next = p->threads;
	p->threads = t;
	__atomic_fetch_add(&p->nthreads, 1, __ATOMIC_SEQ_CST); /* sched_exit subtracts without the kernel lock */
}

void thread_attach_first(struct proc *p, struct thread *t) { attach(p, t); }

static void detach(struct thread *t)
{
	struct thread **pp = &t->proc->threads;

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
}

struct thread *thread_find(int tid)
{
	for (struct thread *t = current_proc()->threads; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

bool proc_all_forever(void)
{
	for (struct thread *t = current_proc()->threads; t; t = t->next)
		if (!t->forever && !t->killed)
			return false;
	return true;
}

int thread_wait_step(uint64_t deadline)
{
	struct thread *t = current_thread();

	t->forever = false;
	if (signal_pending() & ~signal_blocked())
		return -EINTR;
	if (deadline != THREAD_NO_DEADLINE && time_ns() >= deadline)
		return -ETIMEDOUT;
	if (deadline == THREAD_NO_DEADLINE && !signal_may_come()) {
		t->forever = true; /* only another thread could end it */
		if (proc_all_forever()) {
			t->forever = false;
			return -EDEADLK;
		}
	}
	sched_sleep(deadline != THREAD_NO_DEADLINE); /* with a deadline: look at each tick */
	t->forever = false;
	return 0;
}

/* A thread left: if every one still here waits for ever, wake one so that
 * it sees the deadlock and reports it. */
static void recheck_deadlock(void)
{
	struct proc *p = current_proc();

	if (p->threads && proc_all_forever())
		sched_wake(p->threads);
}

/* clone and clone3: a new thread of this process, which returns 0 from the
 * call on stack `sp` (the caller's when 0), with TLS base `tls` if asked. */
static int64_t clone_thread(uint64_t flags, uint64_t sp, uint64_t parent_tid, uint64_t child_tid,
			    uint64_t tls)
{
	struct proc *p = current_proc();
	struct thread *self = current_thread();

	if ((flags & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS || (flags & ~CLONE_THREAD_OK & ~0xfful))
		return -ENOSYS; /* a new process (fork, vfork, spawn): there is one */
	if (flags & 0xff)
		return -EINVAL; /* a thread sends no signal when it exits */
	if (p->nthreads >= THREADS_MAX || p->exiting)
		return -EAGAIN;
	if ((flags & CLONE_SETTLS) && tls >= USER_TOP)
		return -EPERM;
	struct thread *t = thread_alloc(p);
	if (!t)
		return -EAGAIN;
	t->tid = p->next_tid++;
	struct trapframe regs = *syscall_frame();
	regs.rax = 0;
	if (sp)
		regs.rsp = sp;
	thread_set_start(t, &regs);
	fpu_save(t->fpu_ctx); /* the caller's vector registers, as Linux copies them */
	t->fs_base = flags & CLONE_SETTLS ? tls : rdmsr(MSR_FS_BASE);
	t->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	memcpy(t->comm, task_comm(self), sizeof t->comm); /* as Linux's clone */
	t->comm_set = true;
	t->sig.blocked = self->sig.blocked;
	t->affinity = self->affinity;
	t->nice = self->reset_on_fork && self->nice < 0 ? 0 : self->nice;
	if (!self->reset_on_fork) { /* else SCHED_OTHER, as thread_alloc left it */
		t->policy = self->policy;
		t->rt_priority = t->base_priority = self->base_priority;
	}
	t->cpu = self->cpu;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_tid = child_tid;
	int32_t tid = t->tid;
	if (((flags & CLONE_PARENT_SETTID) && copy_to_user(parent_tid, &tid, sizeof tid)) ||
	    ((flags & CLONE_CHILD_SETTID) && copy_to_user(child_tid, &tid, sizeof tid))) {
		thread_free(t);
		return -EFAULT;
	}
	attach(p, t);
	procfs_thread_added(t->tid);
	sched_wake(t);
	return tid;
}

SYSCALL_DEFINE5(clone, uint64_t, flags, uint64_t, sp, uint64_t, parent_tid, uint64_t, child_tid,
		uint64_t, tls)
{
	return clone_thread(flags, sp, parent_tid, child_tid, tls);
}

struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

SYSCALL_DEFINE2(clone3, uint64_t, uargs, size_t, size)
{
	struct clone_args a = {0};

	if (size < 64 || size > 4096)
		return -EINVAL;
	if (copy_from_user(&a, uargs, size < sizeof a ? size : sizeof a))
		return -EFAULT;
	if (a.exit_signal || a.set_tid || a.set_tid_size || a.cgroup || (a.flags >> 32))
		return (a.flags & CLONE_THREAD) ? -EINVAL : -ENOSYS;
	if ((a.stack == 0) != (a.stack_size == 0))
		return -EINVAL;
	return clone_thread(a.flags, a.stack ? a.stack + a.stack_size : 0, a.parent_tid,
			    a.child_tid, a.tls);
}

SYSCALL_DEFINE1(set_tid_address, uint64_t, tidptr)
{
	current_thread()->clear_tid = tidptr;
	return current_thread()->tid;
}

SYSCALL_DEFINE2(set_robust_list, uint64_t, head, size_t, len)
{
	if (len != 24)
		return -EINVAL;
	current_thread()->robust_list = head;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, tid, uint64_t, head_ptr, uint64_t, len_ptr)
{
	struct thread *t = tid ? thread_find(tid) : current_thread();
	uint64_t len = 24;

	if (!t)
		return -ESRCH;
	if (copy_to_user(head_ptr, &t->robust_list, sizeof t->robust_list) ||
	    copy_to_user(len_ptr, &len, sizeof len))
		return -EFAULT;
	return 0;
}

/* A lock a dying thread still held: mark its owner dead and wake a waiter
 * (of a priority-inheritance lock, entry bit 0: futex_pi_exit hands it
 * over). */
static void robust_release(uint64_t entry, int64_t off, int tid)
{
	uint64_t word = (entry & ~1ull) + (uint64_t)off;
	uint32_t v;

	if (copy_from_user(&v, word, sizeof v))
		return;
	int err = -EAGAIN;
	for (int tries = 0; err == -EAGAIN && tries < 100; tries++) { /* v: what it holds now */
		if ((v & FUTEX_TID_MASK) != (uint32_t)tid)
			return;
		err = cmpxchg_user(word, &v, (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED);
	}
	if (err)
		return;
	if ((v & FUTEX_WAITERS) && !(entry & 1))
		futex_wake(word, 1, ~0u);
}

/* Walk the thread's robust list (struct robust_list_head: next, the futex
 * word's offset from an entry, the entry being locked; bit 0 of an entry
 * marks a priority-inheritance lock), as far as it can be read and at most
 * ROBUST_LIST_LIMIT entries. */
static void robust_cleanup(struct thread *t)
{
	uint64_t head[3], entry;

	if (!t->robust_list || copy_from_user(head, t->robust_list, sizeof head))
		return;
	int64_t off = (int64_t)head[1];
	entry = head[0];
	for (int n = 0; (entry & ~1ull) != t->robust_list && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;
		if (copy_from_user(&next, entry & ~1ull, sizeof next))
			break;
		if (entry != head[2])
			robust_release(entry, off, t->tid);
		entry = next;
	}
	if (head[2])
		robust_release(head[2], off, t->tid);
}

void thread_exit(void)
{
	struct thread *t = current_thread();
	struct proc *p = t->proc;

	kernel_copy_abandon(t); /* ended in a sendfile: its buffer and files go */
	if (p->nthreads == 1 && !p->exiting)
		proc_exit(p->status);
	if (!p->exiting) {
		robust_cleanup(t);
		futex_pi_exit(t);
		if (t->clear_tid) {
			uint32_t zero = 0;
			if (!copy_to_user(t->clear_tid, &zero, sizeof zero))
				futex_wake(t->clear_tid, 1, ~0u);
		}
	}
	cputime_exit(t);
	detach(t);
	procfs_thread_gone(t->tid);
	signal_thread_exit();
	recheck_deadlock();
	sched_exit();
}

void thread_kill_others(void)
{
	struct thread *self = current_thread();

	for (struct thread *t = current_proc()->threads; t; t = t->next) {
		if (t == self)
			continue;
		t->killed = true;
		t->sig.own.set |= 1ull << (SIGKILL - 1); /* ends any wait it is in */
		t->sig.attention = true;
		sched_wake(t);
	}
}

SYSCALL_DEFINE1(exit, int, status)
{
	struct proc *p = current_proc();
	if (!p->exiting) /* after exit_group, its status is final */
		p->status = status & 0xff;
	thread_exit();
}
