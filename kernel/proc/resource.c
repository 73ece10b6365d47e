/* Resource limits and CPU-time accounting of the running process. */
#include "kerrno.h"
#include "pmm.h"
#include "proc.h"
#include "timer.h"
#include "x86.h"

#define NR_OPEN 1048576 /* Linux's ceiling for RLIMIT_NOFILE */

static struct krlimit limits[RLIMIT_NLIMITS];

static struct {
	uint64_t user, sys; /* TSC cycles */
	uint64_t mark;      /* when the current stretch began */
	uint64_t asleep;    /* time_asleep_tsc() at system call entry */
} cpu;

void rlimit_reset(void)
{
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

struct krlimit proc_rlimit(unsigned resource) { return limits[resource]; }

int proc_set_rlimit(unsigned resource, const struct krlimit *new, struct krlimit *old)
{
	if (resource >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (new && new->cur > new->max)
		return -EINVAL;
	if (new && resource == RLIMIT_NOFILE && new->max > NR_OPEN)
		return -EPERM;
	if (old)
		*old = limits[resource];
	if (new)
		limits[resource] = *new;
	return 0;
}

void cputime_start(void)
{
	cpu.user = cpu.sys = 0;
	cpu.mark = rdtsc();
}

void cputime_enter(void)
{
	uint64_t now = rdtsc();

	cpu.user += now - cpu.mark;
	cpu.mark = now;
	cpu.asleep = time_asleep_tsc();
}

void cputime_leave(void)
{
	uint64_t now = rdtsc(), slept = time_asleep_tsc() - cpu.asleep;
	uint64_t spent = now - cpu.mark;

	cpu.sys += spent > slept ? spent - slept : 0;
	cpu.mark = now;
}

void proc_cputime(uint64_t *user_ns, uint64_t *sys_ns)
{
	*user_ns = time_tsc_to_ns(cpu.user);
	*sys_ns = time_tsc_to_ns(cpu.sys);
}
