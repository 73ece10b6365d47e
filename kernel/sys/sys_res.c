/* Resource system calls: limits (getrlimit, setrlimit, prlimit64), usage
 * (getrusage, times) and the machine's state (sysinfo). */
#include "kerrno.h"
#include "pmm.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define OUR_PID (current_proc()->pid)
#define NS 1000000000ull
#define CLK_TCK 100 /* clock_t ticks per second, as AT_CLKTCK says */
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

SYSCALL_DEFINE2(getrlimit, unsigned, resource, uint64_t, rlim)
{
	struct krlimit old;
	int err = proc_set_rlimit(resource, NULL, &old);

	return err ? err : copy_to_user(rlim, &old, sizeof old);
}

SYSCALL_DEFINE2(setrlimit, unsigned, resource, uint64_t, rlim)
{
	struct krlimit new;

	if (copy_from_user(&new, rlim, sizeof new))
		return -EFAULT;
	return proc_set_rlimit(resource, &new, NULL);
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, resource, uint64_t, new_limit, uint64_t, old_limit)
{
	struct krlimit new, old;

	if (new_limit && copy_from_user(&new, new_limit, sizeof new))
		return -EFAULT;
	if (pid != 0 && pid != OUR_PID)
		return -ESRCH;
	int err = proc_set_rlimit(resource, new_limit ? &new : NULL,
				  old_limit ? &old : NULL);
	if (!err && old_limit && copy_to_user(old_limit, &old, sizeof old))
		return -EFAULT;
	return err;
}

struct timeval_user {
	int64_t sec, usec;
};

struct rusage_user {
	struct timeval_user utime, stime;
	int64_t maxrss; /* KiB */
	int64_t ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
		nsignals, nvcsw, nivcsw;
};
_Static_assert(sizeof(struct rusage_user) == 144, "struct rusage");

static struct timeval_user timeval_of(uint64_t ns)
{
	return (struct timeval_user){(int64_t)(ns / NS), (int64_t)(ns % NS / 1000)};
}

/* RUSAGE_THREAD: the calling thread's CPU time, with the process's memory
 * figures; the process has no children. */
SYSCALL_DEFINE2(getrusage, int, who, uint64_t, ru)
{
	struct rusage_user r = {0};
	int w = who;

	if (w != RUSAGE_SELF && w != RUSAGE_THREAD && w != RUSAGE_CHILDREN)
		return -EINVAL;
	if (w != RUSAGE_CHILDREN) {
		uint64_t user, sys;
		struct vma_usage u = vma_usage();
		if (w == RUSAGE_THREAD)
			thread_cputime(current_thread(), &user, &sys);
		else
			proc_cputime(&user, &sys);
		r.utime = timeval_of(user);
		r.stime = timeval_of(sys);
		r.maxrss = (int64_t)(u.peak * (PAGE_SIZE / 1024));
		r.minflt = (int64_t)u.faults;
	}
	return copy_to_user(ru, &r, sizeof r);
}

/* Returns clock ticks since boot; the buffer gets the process's CPU time. */
SYSCALL_DEFINE1(times, uint64_t, buf)
{
	uint64_t user, sys;
	int64_t tms[4] = {0}; /* utime, stime, cutime, cstime */

	proc_cputime(&user, &sys);
	tms[0] = (int64_t)(user / (NS / CLK_TCK));
	tms[1] = (int64_t)(sys / (NS / CLK_TCK));
	if (buf && copy_to_user(buf, tms, sizeof tms))
		return -EFAULT;
	return (int64_t)(time_ns() / (NS / CLK_TCK));
}

struct sysinfo_user {
	int64_t uptime; /* seconds, rounded up */
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	uint8_t reserved[4];
};
_Static_assert(sizeof(struct sysinfo_user) == 112, "struct sysinfo");

SYSCALL_DEFINE1(sysinfo, uint64_t, info)
{
	uint64_t up = time_ns();
	struct sysinfo_user si = {
		.uptime = (int64_t)(up / NS + (up % NS ? 1 : 0)),
		.totalram = pmm_total_count() * PAGE_SIZE,
		.freeram = pmm_free_count() * PAGE_SIZE,
		.procs = 1,
		.mem_unit = 1,
	};

	return copy_to_user(info, &si, sizeof si);
}
