/* Resource limits and CPU-time accounting of the running process. */
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
	return 0;
}

/* CPU time: the total is exact (TSC time since the start, less time spent
 * waiting); timer ticks sample user against kernel time and split the
 * total in their ratio, as Linux does. Nothing runs on the system call
 * path. */
void cputime_start(void)
{
	struct proc *p = current_proc();

	p->cpu.start = rdtsc();
	p->cpu.asleep = time_asleep_tsc();
	p->cpu.user_ticks = timer_tick_samples(TICK_USER);
	p->cpu.kernel_ticks = timer_tick_samples(TICK_KERNEL);
}

void proc_cputime(uint64_t *user_ns, uint64_t *sys_ns)
{
	const struct proc *p = current_proc();
	uint64_t waited = time_asleep_tsc() - p->cpu.asleep, ran = rdtsc() - p->cpu.start;
	uint64_t total = time_tsc_to_ns(ran > waited ? ran - waited : 0);
	uint64_t u = timer_tick_samples(TICK_USER) - p->cpu.user_ticks;
	uint64_t k = timer_tick_samples(TICK_KERNEL) - p->cpu.kernel_ticks;

	/* No kernel samples (or none at all): all of it is user time. */
	uint64_t n = u + k;
	*sys_ns = k ? total / n * k + total % n * k / n : 0;
	*user_ns = total - *sys_ns;
}
