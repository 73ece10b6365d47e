/* Scheduling system calls: affinity, yielding, getcpu, and the policy,
 * priority and quantum queries (SCHED_OTHER, priority 0). */
#include "kerrno.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "syscall.h"
#include "task.h"

#define OUR_PID (current_proc()->pid)
#define MASK_BYTES 8 /* our cpumask: one unsigned long */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6

static bool is_us(int pid) { return pid == 0 || pid == OUR_PID; }

/* The thread a scheduling call names: 0 is the caller, else a tid (the
 * pid is the first thread's). */
static struct thread *named(int tid)
{
	return tid == 0 ? current_thread() : tid > 0 ? thread_find(tid) : NULL;
}

static uint64_t online_mask(void)
{
	return smp_cpus() >= 64 ? ~0ull : (1ull << smp_cpus()) - 1;
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
	uint64_t cpus = t->affinity & online_mask();
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
	cpus &= online_mask();
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

SYSCALL_DEFINE1(sched_getscheduler, int, pid)
{
	if (pid < 0)
		return -EINVAL;
	return is_us(pid) ? SCHED_OTHER : -ESRCH;
}

SYSCALL_DEFINE2(sched_getparam, int, pid, uint64_t, param)
{
	int32_t priority = 0;

	if (!param || pid < 0)
		return -EINVAL;
	if (!is_us(pid))
		return -ESRCH;
	return copy_to_user(param, &priority, sizeof priority);
}

static int64_t priority_range(int policy, int64_t realtime)
{
	switch (policy) {
	case SCHED_FIFO: case SCHED_RR: return realtime;
	case SCHED_OTHER: case SCHED_BATCH: case SCHED_IDLE: case SCHED_DEADLINE: return 0;
	default: return -EINVAL;
	}
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	return priority_range(policy, 99);
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	return priority_range(policy, 1);
}

/* SCHED_OTHER has no round-robin quantum: Linux reports 0 for a CPU with
 * nothing else to run. */
SYSCALL_DEFINE2(sched_rr_get_interval, int, pid, uint64_t, uts)
{
	int64_t ts[2] = {0, 0};

	if (pid < 0)
		return -EINVAL;
	if (!is_us(pid))
		return -ESRCH;
	return copy_to_user(uts, ts, sizeof ts);
}

/* Restartable sequences are refused on purpose, not missing: glibc
 * registers one at start-up and, told ENOSYS, reads the CPU number from
 * getcpu instead; keeping the area's cpu_id up to date would buy nothing
 * on one CPU. */
SYSCALL_DEFINE4(rseq, uint64_t, area, uint32_t, len, int, flags, uint32_t, sig)
{
	return -ENOSYS;
}
