/* Scheduling system calls: affinity, yielding, getcpu, each thread's
 * policy and real-time priority (sched.h says what they do), and the
 * quantum query. */
#include "kerrno.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define OUR_PID (current_proc()->pid)
#define MASK_BYTES 8 /* our cpumask: one unsigned long */

/* The thread a scheduling call names: 0 is the caller, else a tid (the
 * pid is the first thread's, whose state stays until the process ends,
 * after it exits too). */
static struct thread *named(int tid)
{
	if (tid == OUR_PID)
		return current_proc()->thread;
	return tid == 0 ? current_thread() : tid > 0 ? thread_find(tid) : NULL;
}

/* Like Linux: the buffer must hold every CPU and be a whole number of
 * longs; returns the bytes written. */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len, uint64_t, mask)
{
	struct thread *t = named(pid);

	if (len < MASK_BYTES || (len & (MASK_BYTES - 1)))
		return -EINVAL;
	if (!t)
		return -ESRCH;
	uint64_t cpus = t->affinity & smp_online_mask();
	return copy_to_user(mask, &cpus, sizeof cpus) ? -EFAULT : MASK_BYTES;
}

/* The thread moves at once: off a queue, or off a CPU it runs on (an
 * interrupt takes it to the kernel, then away); the caller too. */
SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len, uint64_t, mask)
{
	uint64_t cpus = 0;
	unsigned n = len < MASK_BYTES ? len : MASK_BYTES;
	struct thread *t = named(pid);

	if (copy_from_user(&cpus, mask, n))
		return -EFAULT;
	if (!t)
		return -ESRCH;
	cpus &= smp_online_mask();
	if (!cpus)
		return -EINVAL;
	sched_set_affinity(t, cpus);
	if (t == current_thread() && !(cpus >> smp_cpu_id() & 1))
		sched_migrate();
	return 0;
}

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield_cpu();
	return 0;
}

SYSCALL_DEFINE3(getcpu, uint64_t, ucpu, uint64_t, unode, uint64_t, cache)
{
	uint32_t cpu = smp_cpu_id(), node = 0;

	if (ucpu && copy_to_user(ucpu, &cpu, sizeof cpu))
		return -EFAULT;
	if (unode && copy_to_user(unode, &node, sizeof node))
		return -EFAULT;
	return 0;
}

static int64_t priority_range(int policy, int64_t realtime)
{
	switch (policy) {
	case SCHED_FIFO: case SCHED_RR: return realtime;
	case SCHED_OTHER: case SCHED_BATCH: case SCHED_IDLE: case SCHED_DEADLINE: return 0;
	default: return -EINVAL;
	}
}

SYSCALL_DEFINE1(sched_getscheduler, int, pid)
{
	struct thread *t;

	if (pid < 0)
		return -EINVAL;
	if (!(t = named(pid)))
		return -ESRCH;
	return t->policy | (t->reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

SYSCALL_DEFINE2(sched_getparam, int, pid, uint64_t, param)
{
	struct thread *t;

	if (!param || pid < 0)
		return -EINVAL;
	if (!(t = named(pid)))
		return -ESRCH;
	int32_t priority = (int32_t)t->base_priority; /* not what it inherits */
	return copy_to_user(param, &priority, sizeof priority);
}

/* Thread pid (0: the caller) gets policy (-1: its own) and the priority
 * at param (struct sched_param: one int), checked as Linux checks them.
 * SCHED_BATCH and SCHED_IDLE run as SCHED_OTHER; SCHED_DEADLINE is only
 * for sched_setattr (below). With SCHED_RESET_ON_FORK the
 * threads it makes start as SCHED_OTHER (thread.c). */
static int64_t set_scheduler(int pid, int policy, uint64_t param)
{
	int32_t priority;
	struct thread *t;

	if (!param || pid < 0)
		return -EINVAL;
	if (copy_from_user(&priority, param, sizeof priority))
		return -EFAULT;
	if (!(t = named(pid)))
		return -ESRCH;
	bool reset = t->reset_on_fork;
	if (policy < 0) {
		policy = t->policy;
	} else {
		reset = policy & SCHED_RESET_ON_FORK;
		policy &= ~SCHED_RESET_ON_FORK;
	}
	int64_t max = priority_range(policy, 99), min = priority_range(policy, 1);
	if (max < 0 || policy == SCHED_DEADLINE)
		return -EINVAL;
	if (priority < min || priority > max)
		return -EINVAL;
	t->reset_on_fork = reset;
	t->base_priority = (unsigned)priority;
	sched_set_priority(t, policy, (unsigned)priority);
	futex_pi_update(t); /* what it inherits, and passes on */
	return 0;
}

SYSCALL_DEFINE3(sched_setscheduler, int, pid, int, policy, uint64_t, param)
{
	if (policy < 0)
		return -EINVAL;
	return set_scheduler(pid, policy, param);
}

SYSCALL_DEFINE2(sched_setparam, int, pid, uint64_t, param)
{
	return set_scheduler(pid, -1, param);
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	return priority_range(policy, 99);
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	return priority_range(policy, 1);
}

/* A SCHED_RR thread's quantum is its slice; the others have none (Linux
 * reports 0 for SCHED_FIFO, and for SCHED_OTHER on a CPU with nothing
 * else to run). */
SYSCALL_DEFINE2(sched_rr_get_interval, int, pid, uint64_t, uts)
{
	int64_t ts[2] = {0, 0};
	struct thread *t;

	if (pid < 0)
		return -EINVAL;
	if (!(t = named(pid)))
		return -ESRCH;
	if (t->policy == SCHED_RR) /* its slice */
		ts[1] = SCHED_SLICE_TICKS * (1000000000 / TIMER_HZ);
	return copy_to_user(uts, ts, sizeof ts);
}

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

/* Whether thread t is among those which and who name: PRIO_PROCESS a
 * thread (0: the caller), PRIO_PGRP a process group (0: ours), PRIO_USER
 * a user (0: ours; Linux matches the real uid). */
static bool prio_names(const struct thread *t, int which, int who)
{
	const struct proc *p = current_proc();
	switch (which) {
	case PRIO_PROCESS:
		return who ? t->tid == who : t == current_thread();
	case PRIO_PGRP:
		return !who || who == p->pgid;
	default:
		return !who || (uint32_t)who == p->uid.r;
	}
}

/* Linux's can_nice: root, or a nice that RLIMIT_NICE (20 - nice) allows. */
static bool may_nice(int nice)
{
	return current_proc()->uid.e == 0 || (uint64_t)(20 - nice) <= proc_rlimit(RLIMIT_NICE).cur;
}

/* The highest priority among the threads named, as 20 - nice (glibc
 * makes a nice of it). */
SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	int64_t best = -ESRCH;
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	for (struct thread *t = current_proc()->threads; t; t = t->next)
		if (prio_names(t, which, who) && 20 - t->nice > best)
			best = 20 - t->nice;
	return best;
}

/* Each thread named gets nice (cut to -20..19): a lower one only if
 * may_nice (else EACCES, the others still set); ESRCH if none is named. */
SYSCALL_DEFINE3(setpriority, int, which, int, who, int, nice)
{
	int64_t err = -ESRCH;
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	for (struct thread *t = current_proc()->threads; t; t = t->next) {
		if (!prio_names(t, which, who))
			continue;
		if (nice < t->nice && !may_nice(nice)) {
			err = -EACCES;
			continue;
		}
		if (err == -ESRCH)
			err = 0;
		t->nice = nice; /* its next slice is so long (sched.c) */
	}
	return err;
}

/* struct sched_attr, as far as Linux 6.x has it (SCHED_ATTR_SIZE_VER1). */
struct sched_attr_user {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};
#define SCHED_ATTR_SIZE_VER0 48
#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_KEEP_POLICY 0x08
#define SCHED_FLAG_KEEP_PARAMS 0x10
#define SCHED_FLAG_UTIL_CLAMP 0x60
#define SCHED_FLAG_ALL 0x7f

/* The program's struct, of its size (0: the first version's): E2BIG, with
 * the size we know written back, for one too small or too large, or
 * longer than ours with bytes past ours that are not 0, as Linux. */
static int attr_from_user(uint64_t uattr, struct sched_attr_user *a)
{
	uint32_t size;
	if (copy_from_user(&size, uattr, sizeof size))
		return -EFAULT;
	size = size ? size : SCHED_ATTR_SIZE_VER0;
	bool big = size < SCHED_ATTR_SIZE_VER0 || size > 4096;
	for (uint32_t off = sizeof *a; !big && off < size; off++) {
		uint8_t b;
		if (copy_from_user(&b, uattr + off, 1))
			return -EFAULT;
		big = b != 0;
	}
	if (big) {
		uint32_t ours = sizeof *a;
		copy_to_user(uattr, &ours, sizeof ours);
		return -E2BIG;
	}
	*a = (struct sched_attr_user){0};
	if (copy_from_user(a, uattr, size < sizeof *a ? size : sizeof *a))
		return -EFAULT;
	a->size = size;
	return 0;
}

/* sched_setattr: a policy with its priority or nice, as sched_setscheduler
 * and setpriority would set them. SCHED_DEADLINE has no scheduler here: its
 * admission fails (EBUSY, as Linux's when the bandwidth is not there); the
 * utilization clamps are taken and not kept. */
SYSCALL_DEFINE3(sched_setattr, int, pid, uint64_t, uattr, unsigned int, flags)
{
	struct sched_attr_user a;
	if (!uattr || pid < 0 || flags)
		return -EINVAL;
	int err = attr_from_user(uattr, &a);
	if (err)
		return err;
	if ((a.flags & SCHED_FLAG_UTIL_CLAMP) && a.size < sizeof a)
		return -EINVAL;
	a.nice = a.nice < -20 ? -20 : a.nice > 19 ? 19 : a.nice;
	struct thread *t = named(pid);
	if (!t)
		return -ESRCH;
	int policy = a.flags & SCHED_FLAG_KEEP_POLICY ? (int)t->policy : (int)a.policy;
	int64_t max = priority_range(policy, 99), min = priority_range(policy, 1);
	if (a.flags & ~(uint64_t)SCHED_FLAG_ALL || max < 0)
		return -EINVAL;
	if (policy == SCHED_DEADLINE)
		return -EBUSY;
	if (a.flags & SCHED_FLAG_KEEP_PARAMS) {
		a.priority = t->base_priority;
		a.nice = t->nice;
	}
	if ((int64_t)a.priority < min || (int64_t)a.priority > max)
		return -EINVAL;
	bool fair = max == 0;
	if (fair && a.nice < t->nice && !may_nice(a.nice))
		return -EPERM;
	t->reset_on_fork = a.flags & SCHED_FLAG_RESET_ON_FORK;
	if (a.flags & SCHED_FLAG_KEEP_PARAMS)
		return 0; /* Linux then leaves the policy too */
	if (fair)
		t->nice = a.nice;
	t->base_priority = a.priority;
	sched_set_priority(t, policy, a.priority);
	futex_pi_update(t);
	return 0;
}

SYSCALL_DEFINE4(sched_getattr, int, pid, uint64_t, uattr, unsigned int, size, unsigned int, flags)
{
	if (!uattr || pid < 0 || flags || size < SCHED_ATTR_SIZE_VER0 || size > 4096)
		return -EINVAL;
	struct thread *t = named(pid);
	if (!t)
		return -ESRCH;
	struct sched_attr_user a = {
	    .size = size < sizeof a ? size : sizeof a,
	    .policy = t->policy,
	    .flags = t->reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0,
	    .nice = priority_range((int)t->policy, 99) ? 0 : t->nice,
	    .priority = t->base_priority,
	    .util_max = 1024, /* no clamp: the whole CPU */
	};
	return copy_to_user(uattr, &a, a.size) ? -EFAULT : 0;
}

/* Restartable sequences are refused on purpose, not missing: glibc
 * registers one at start-up and, told ENOSYS, reads the CPU number from
 * getcpu instead; keeping the area's cpu_id up to date would buy nothing
 * on one CPU. */
SYSCALL_DEFINE4(rseq, uint64_t, area, uint32_t, len, int, flags, uint32_t, sig)
{
	return -ENOSYS;
}
