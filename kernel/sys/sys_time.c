/* Time system calls: clocks, gettimeofday, time, nanosleep. */
#include "kerrno.h"
#include "proc.h"
#include "syscall.h"
#include "timer.h"

#define CLOCK_REALTIME 0
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_TAI 11
#define NS 1000000000ull

struct timespec_user {
	int64_t sec, nsec;
};

/* REALTIME (and its coarse and TAI forms) is wall time; the CPU-time
 * clocks are the process's CPU time (proc_cputime: not while asleep); every
 * other clock (MONOTONIC, BOOTTIME, ...) counts from boot. */
static int clock_ns(uint64_t id, uint64_t *ns)
{
	/* A clock from clock_getcpuclockid or pthread_getcpuclockid: ~pid << 3,
	 * plus 4 for a thread's, plus 0 (PROF), 1 (VIRT) or 2 (SCHED); pid 0
	 * is the caller. Ours reads as CLOCK_PROCESS_CPUTIME_ID; no other
	 * process or thread exists. */
	if ((int)id < 0) {
		int pid = ~((int)id >> 3);
		if ((id & 3) == 3 || (pid != 0 && pid != 1))
			return -EINVAL;
		id = CLOCK_PROCESS_CPUTIME_ID;
	}
	if (id > CLOCK_TAI)
		return -EINVAL;
	if (id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID) {
		uint64_t user, sys; /* one thread: the process's time is the thread's */
		proc_cputime(&user, &sys);
		*ns = user + sys;
		return 0;
	}
	*ns = (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI)
		      ? time_realtime_ns()
		      : time_ns();
	return 0;
}

int64_t sys_clock_gettime(uint64_t id, uint64_t tp, uint64_t a2, uint64_t a3, uint64_t a4,
			  uint64_t a5)
{
	uint64_t ns;
	int err = clock_ns(id, &ns);

	if (err)
		return err;
	struct timespec_user ts = {(int64_t)(ns / NS), (int64_t)(ns % NS)};
	return copy_to_user(tp, &ts, sizeof ts);
}

int64_t sys_clock_getres(uint64_t id, uint64_t res, uint64_t a2, uint64_t a3, uint64_t a4,
			 uint64_t a5)
{
	uint64_t ns;
	struct timespec_user ts = {0, 1}; /* the TSC resolves nanoseconds */

	if (clock_ns(id, &ns))
		return -EINVAL;
	return res ? copy_to_user(res, &ts, sizeof ts) : 0;
}

int64_t sys_gettimeofday(uint64_t tv, uint64_t tz, uint64_t a2, uint64_t a3, uint64_t a4,
			 uint64_t a5)
{
	uint64_t ns = time_realtime_ns();
	int64_t v[2] = {(int64_t)(ns / NS), (int64_t)(ns % NS / 1000)};
	int32_t zone[2] = {0, 0};

	if (tv && copy_to_user(tv, v, sizeof v))
		return -EFAULT;
	if (tz && copy_to_user(tz, zone, sizeof zone))
		return -EFAULT;
	return 0;
}

int64_t sys_time(uint64_t tloc, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	int64_t t = (int64_t)(time_realtime_ns() / NS);

	if (tloc && copy_to_user(tloc, &t, sizeof t))
		return -EFAULT;
	return t;
}

int64_t sys_nanosleep(uint64_t req, uint64_t rem, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct timespec_user ts;

	if (copy_from_user(&ts, req, sizeof ts))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS)
		return -EINVAL;
	time_sleep_until(time_ns() + (uint64_t)ts.sec * NS + (uint64_t)ts.nsec);
	return 0;
}

#define TIMER_ABSTIME 1

int64_t sys_clock_nanosleep(uint64_t id, uint64_t flags, uint64_t req, uint64_t rem, uint64_t a4,
			    uint64_t a5)
{
	struct timespec_user ts;
	uint64_t now;

	if (clock_ns(id, &now))
		return -EINVAL;
	if (copy_from_user(&ts, req, sizeof ts))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS)
		return -EINVAL;
	uint64_t want = (uint64_t)ts.sec * NS + (uint64_t)ts.nsec;
	uint64_t delay = flags & TIMER_ABSTIME ? (want > now ? want - now : 0) : want;
	time_sleep_until(time_ns() + delay);
	return 0;
}
