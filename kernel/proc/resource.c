/* Resource limits and CPU-time accounting of the running process. */
#include "fs.h"
#include "kerrno.h"
#include "pmm.h"
#include "proc.h"
#include "timer.h"
#include "x86.h"

/* Set before rlimit_reset first runs: the standard streams are opened
 * before any program (and by in-kernel tests), and count against it. */
#define NOFILE_DEFAULT {1024, 4096}
static struct krlimit limits[RLIMIT_NLIMITS] = {[RLIMIT_NOFILE] = NOFILE_DEFAULT};

/* CPU time: the total is exact (TSC time since the start, less time spent
 * waiting); timer ticks sample user against kernel time and split the
 * total in their ratio, as Linux does. Nothing runs on the system call
 * path. */
static struct {
	uint64_t start, asleep;		/* rdtsc() and time_asleep_tsc() at the start */
	uint64_t user_ticks, kernel_ticks; /* timer_tick_samples() at the start */
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
	limits[RLIMIT_NOFILE] = (struct krlimit)NOFILE_DEFAULT;
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
	cpu.start = rdtsc();
	cpu.asleep = time_asleep_tsc();
	cpu.user_ticks = timer_tick_samples(TICK_USER);
	cpu.kernel_ticks = timer_tick_samples(TICK_KERNEL);
}

void proc_cputime(uint64_t *user_ns, uint64_t *sys_ns)
{
	uint64_t waited = time_asleep_tsc() - cpu.asleep, ran = rdtsc() - cpu.start;
	uint64_t total = time_tsc_to_ns(ran > waited ? ran - waited : 0);
	uint64_t u = timer_tick_samples(TICK_USER) - cpu.user_ticks;
	uint64_t k = timer_tick_samples(TICK_KERNEL) - cpu.kernel_ticks;

	/* No kernel samples (or none at all): all of it is user time. */
	uint64_t n = u + k;
	*sys_ns = k ? total / n * k + total % n * k / n : 0;
	*user_ns = total - *sys_ns;
}
