/* Time system calls: clocks, gettimeofday, time, nanosleep (which a
 * signal interrupts). */
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define NS 1000000000ull

/* REALTIME (and its coarse and TAI forms) is wall time; the calling
 * thread's CPU-time clock counts the time it has been on a CPU (the
 * scheduler's stints); the process's counts its threads' CPU time, as its
 * CPU-time timers do; negative ids are the CPU-time clocks of
 * clock_getcpuclockid and pthread_getcpuclockid (cputime.c); every other
 * clock (MONOTONIC, BOOTTIME) counts from boot. The resolution goes to
 * *res: the TSC's nanosecond but for tick-sampled CPU clocks. */
static int clock_ns(int cid, bool reading, uint64_t *ns, uint64_t *res)
{
	uint64_t user, sys;

	*res = 1;
	if (cid < 0)
		return cputime_clock_ns(cid, reading, ns, res);
	if (cid == CLOCK_THREAD_CPUTIME_ID) {
		*ns = sched_thread_cpu_ns();
		return 0;
	}
	if (cid == CLOCK_PROCESS_CPUTIME_ID) {
		proc_cputime(&user, &sys);
		*ns = user + sys;
		return 0;
	}
	if (cid > CLOCK_TAI)
		return -EINVAL;
	*ns = (cid == CLOCK_REALTIME || cid == CLOCK_REALTIME_COARSE || cid == CLOCK_TAI)
		      ? time_realtime_ns()
		      : time_ns();
	return 0;
}

SYSCALL_DEFINE2(clock_gettime, int, id, uint64_t, tp)
{
	uint64_t ns, res;
	int err = clock_ns(id, true, &ns, &res);

	if (err)
		return err;
	struct timespec_user ts = {(int64_t)(ns / NS), (int64_t)(ns % NS)};
	return copy_to_user(tp, &ts, sizeof ts);
}

SYSCALL_DEFINE2(clock_getres, int, id, uint64_t, res)
{
	uint64_t ns, step;

	if (clock_ns(id, false, &ns, &step))
		return -EINVAL;
	struct timespec_user ts = {0, (int64_t)step};
	return res ? copy_to_user(res, &ts, sizeof ts) : 0;
}

SYSCALL_DEFINE2(gettimeofday, uint64_t, tv, uint64_t, tz)
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

SYSCALL_DEFINE1(time, uint64_t, tloc)
{
	int64_t t = (int64_t)(time_realtime_ns() / NS);

	if (tloc && copy_to_user(tloc, &t, sizeof t))
		return -EFAULT;
	return t;
}

/* Sleep until deadline (time_ns); a signal ends the sleep early with
 * -EINTR and the time that was left in rem (when not 0). */
static int64_t sleep_until(uint64_t deadline, uint64_t rem)
{
	if (signal_wait(deadline, 0) == 0)
		return 0;
	uint64_t now = time_ns(), left = deadline > now ? deadline - now : 0;
	struct timespec_user ts = {(int64_t)(left / NS), (int64_t)(left % NS)};
	if (rem && copy_to_user(rem, &ts, sizeof ts))
		return -EFAULT;
	return -EINTR;
}

SYSCALL_DEFINE2(nanosleep, uint64_t, req, uint64_t, rem)
{
	uint64_t ns;
	int err = timespec_from_user(req, 1, &ns);

	return err ? err : sleep_until(deadline_after(ns), rem);
}

#define TIMER_ABSTIME 1

/* Sleep until CPU-time clock id reaches want, looking at each step (a
 * tick at least) how far it still is: it grows by at most one ns per ns on
 * each CPU. A signal ends it with -EINTR and the CPU time left in rem (if
 * not 0); a thread's clock ends when the thread does. */
static int64_t cpu_sleep_until(int id, uint64_t want, uint64_t rem)
{
	for (;;) {
		uint64_t now, res;
		if (clock_ns(id, true, &now, &res) || now >= want)
			return 0;
		uint64_t step = (want - now) / smp_cpus();
		if (signal_wait(deadline_after(step > NS / TIMER_HZ ? step : NS / TIMER_HZ), 0) == 0)
			continue;
		if (clock_ns(id, true, &now, &res) || now >= want)
			return -EINTR;
		struct timespec_user ts = {(int64_t)((want - now) / NS), (int64_t)((want - now) % NS)};
		if (rem && copy_to_user(rem, &ts, sizeof ts))
			return -EFAULT;
		return -EINTR;
	}
}

SYSCALL_DEFINE4(clock_nanosleep, int, id, int, flags, uint64_t, req, uint64_t, rem)
{
	uint64_t now, want, res;
	struct thread *t = NULL;
	bool user_only;
	int err;

	/* The caller's own CPU clock cannot advance while it sleeps: Linux
	 * refuses it (CLOCK_THREAD_CPUTIME_ID has no sleep at all). */
	if (id == CLOCK_THREAD_CPUTIME_ID)
		return -EOPNOTSUPP;
	if (id < 0 && (cputime_clock_decode(id, true, &t, &user_only) || t == current_thread()))
		return -EINVAL;
	if (clock_ns(id, true, &now, &res))
		return -EINVAL;
	if ((err = timespec_from_user(req, 1, &want)))
		return err;
	if (id < 0 || id == CLOCK_PROCESS_CPUTIME_ID) {
		if (!(flags & TIMER_ABSTIME))
			want = now + want < now ? UINT64_MAX : now + want;
		return cpu_sleep_until(id, want, flags & TIMER_ABSTIME ? 0 : rem);
	}
	uint64_t delay = flags & TIMER_ABSTIME ? (want > now ? want - now : 0) : want;
	return sleep_until(deadline_after(delay), flags & TIMER_ABSTIME ? 0 : rem);
}
