/* Resource limits of the running process (RLIMIT_CPU is enforced in cputime.c). */
#include "fs.h"
#include "kerrno.h"
#include "pmm.h"
#include "proc.h"
#include "task.h"
#include "timer.h"
#include "x86.h"

void rlimit_init(struct proc *p)
{
	struct krlimit *limits = p->rlimit;

	/* Linux sizes the process and pending-signal limits from RAM: one
	 * thread per 32 pages at most (a 16 KiB stack in 1/8 of memory),
	 * half of that per user. */
	uint64_t threads = pmm_total_count() / 32 / 2;

	for (unsigned r = 0; r < RLIMIT_NLIMITS; r++)
		limits[r] = (struct krlimit){RLIM_INFINITY, RLIM_INFINITY};
	limits[RLIMIT_STACK].cur = 8ull << 20;
	limits[RLIMIT_CORE].cur = 0;
	limits[RLIMIT_NPROC] = (struct krlimit){threads, threads};
	limits[RLIMIT_NOFILE] = (struct krlimit){1024, 4096};
	limits[RLIMIT_MEMLOCK] = (struct krlimit){8ull << 20, 8ull << 20};
	limits[RLIMIT_SIGPENDING] = (struct krlimit){threads, threads};
	limits[RLIMIT_MSGQUEUE] = (struct krlimit){819200, 819200};
	limits[RLIMIT_NICE] = (struct krlimit){0, 0};
	limits[RLIMIT_RTPRIO] = (struct krlimit){0, 0};
}

struct krlimit proc_rlimit(unsigned resource) { return current_proc()->rlimit[resource]; }

int proc_set_rlimit(unsigned resource, const struct krlimit *new, struct krlimit *old)
{
	if (resource >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (new && new->cur > new->max)
		return -EINVAL;
	if (new && resource == RLIMIT_NOFILE && new->max > NR_OPEN)
		return -EPERM;
	if (old)
		*old = current_proc()->rlimit[resource];
	if (new)
		current_proc()->rlimit[resource] = *new;
	/* The stack's area grows now to the new limit (demand-zero, so this
	 * costs nothing until used), where Linux would grow it at each fault
	 * below it; it never shrinks, and stops a page short of a mapping in
	 * the way, as Linux's growth stops at its guard gap. */
	if (new && resource == RLIMIT_STACK)
		vma_grow_stack(new->cur);
	return 0;
}
