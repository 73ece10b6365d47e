/* Timer system calls: alarm, setitimer, getitimer and the POSIX timers
 * (timer_create ... timer_delete), on kernel/proc/itimer.c. */
#include "itimer.h"
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define NS 1000000000ull
#define US 1000ull
#define TIMER_ABSTIME 1
#define OUR_TID (current_thread()->tid)

/* struct itimerval (timevals) and struct itimerspec (timespecs): interval first. */
struct itimerval_user {
	struct timespec_user interval, value;
};

struct sigevent_user {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	int32_t pad[11];
};

/* The other way; a timeval rounds up, so a running timer never reads 0. */
static struct timespec_user from_ns(uint64_t ns, uint64_t unit)
{
	return (struct timespec_user){(int64_t)(ns / NS), (int64_t)((ns % NS + unit - 1) / unit)};
}

static struct itimerval_user to_user(const struct itimer_spec *s, uint64_t unit)
{
	struct itimerval_user v = {from_ns(s->interval, unit), from_ns(s->value, unit)};

	/* Rounding up may make a whole second. */
	if ((uint64_t)v.value.nsec * unit >= NS)
		v.value.sec++, v.value.nsec = 0;
	if ((uint64_t)v.interval.nsec * unit >= NS)
		v.interval.sec++, v.interval.nsec = 0;
	return v;
}

SYSCALL_DEFINE2(getitimer, int, which, uint64_t, uval)
{
	struct itimer_spec cur;

	if (which < 0 || which > ITIMER_PROF)
		return -EINVAL;
	itimer_gettime(which, &cur);
	struct itimerval_user v = to_user(&cur, US);
	return copy_to_user(uval, &v, sizeof v);
}

SYSCALL_DEFINE3(setitimer, int, which, uint64_t, unew, uint64_t, uold)
{
	struct itimerval_user v = {{0, 0}, {0, 0}};
	struct itimer_spec new, old;

	if (which < 0 || which > ITIMER_PROF)
		return -EINVAL;
	/* NULL new disarms, as Linux still allows. */
	if (unew && copy_from_user(&v, unew, sizeof v))
		return -EFAULT;
	if (timespec_ns(&v.value, US, &new.value) || timespec_ns(&v.interval, US, &new.interval))
		return -EINVAL;
	itimer_settime(which, false, false, &new, &old);
	struct itimerval_user o = to_user(&old, US);
	return uold ? copy_to_user(uold, &o, sizeof o) : 0;
}

/* The seconds left, rounded as Linux does: to the nearest, never to 0. */
SYSCALL_DEFINE1(alarm, uint32_t, seconds)
{
	struct itimer_spec new = {(uint64_t)seconds * NS, 0}, old;

	itimer_settime(ITIMER_REAL, false, false, &new, &old);
	uint64_t left = old.value / NS, rest = old.value % NS;
	if ((!left && rest) || rest >= NS / 2)
		left++;
	return (int64_t)left;
}

/* The clock a POSIX timer counts, and for a thread's CPU-time clock the
 * thread (*tid; else 0); -EINVAL for none, -EOPNOTSUPP for one that has no
 * timers (the raw and coarse clocks). */
static int timer_clock(int id, int *clock, int *tid)
{
	*tid = 0;
	if (id < 0) { /* clock_getcpuclockid's or pthread_getcpuclockid's */
		struct thread *t;
		bool user_only;
		if (cputime_clock_decode(id, false, &t, &user_only))
			return -EINVAL;
		*clock = user_only ? ITIMER_CLOCK_USER : ITIMER_CLOCK_CPU;
		*tid = t ? t->tid : 0;
		return 0;
	}
	if (id == CLOCK_THREAD_CPUTIME_ID)
		*tid = OUR_TID;
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
	case CLOCK_TAI:
		*clock = ITIMER_CLOCK_WALL;
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*clock = ITIMER_CLOCK_CPU;
		return 0;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

static bool is_realtime(uint64_t id)
{
	return id == CLOCK_REALTIME || id == CLOCK_REALTIME_ALARM || id == CLOCK_TAI;
}

/* SIGEV_THREAD is glibc's (a thread it starts); to the kernel it is
 * SIGEV_SIGNAL. SIGEV_THREAD_ID names a thread of the process, which gets
 * the signal (glibc's SIGEV_THREAD timers name their helper thread so). */
SYSCALL_DEFINE3(timer_create, int, clockid, uint64_t, usev, uint64_t, uid)
{
	struct sigevent_user ev = {.signo = SIGALRM, .notify = SIGEV_SIGNAL};
	int clock, tid, err = timer_clock(clockid, &clock, &tid);

	if (err)
		return err;
	if (usev && copy_from_user(&ev, usev, sizeof ev))
		return -EFAULT;
	switch (ev.notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		if (ev.tid <= 0 || !thread_find(ev.tid))
			return -EINVAL;
		/* fall through */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (ev.signo <= 0 || ev.signo > SIGNAL_MAX)
			return -EINVAL;
		break;
	case SIGEV_NONE:
		break;
	default:
		return -EINVAL;
	}
	int target = ev.notify == (SIGEV_SIGNAL | SIGEV_THREAD_ID) ? ev.tid : 0;
	int id = itimer_create(clock, tid, ev.notify, ev.signo, target, usev ? &ev.value : NULL);
	if (id < 0)
		return id;
	int32_t id32 = id;
	if (copy_to_user(uid, &id32, sizeof id32)) {
		itimer_delete(id);
		return -EFAULT;
	}
	current_proc()->timers.clock_id[id] = (uint8_t)clockid;
	return 0;
}

static int timer_id(uint64_t id)
{
	return (int64_t)(int32_t)id == (int64_t)id && (int32_t)id >= 0 &&
		       (int32_t)id < ITIMER_POSIX_MAX
		   ? (int)id
		   : -1;
}

SYSCALL_DEFINE4(timer_settime, uint64_t, uid, int, flags, uint64_t, unew, uint64_t, uold)

{
	struct itimerval_user v;
	struct itimer_spec new, old;
	int id = timer_id(uid);

	if (!unew)
		return -EINVAL;
	if (copy_from_user(&v, unew, sizeof v))
		return -EFAULT;
	if (timespec_ns(&v.value, 1, &new.value) || timespec_ns(&v.interval, 1, &new.interval))
		return -EINVAL;
	if (id < 0)
		return -EINVAL;
	int err = itimer_settime(ITIMER_POSIX + id, flags & TIMER_ABSTIME,
				 is_realtime(current_proc()->timers.clock_id[id]), &new, &old);
	if (err)
		return err;
	struct itimerval_user o = to_user(&old, 1);
	return uold ? copy_to_user(uold, &o, sizeof o) : 0;
}

SYSCALL_DEFINE2(timer_gettime, uint64_t, uid, uint64_t, ucur)
{
	struct itimer_spec cur;
	int id = timer_id(uid);
	int err = id < 0 ? -EINVAL : itimer_gettime(ITIMER_POSIX + id, &cur);

	if (err)
		return err;
	struct itimerval_user v = to_user(&cur, 1);
	return copy_to_user(ucur, &v, sizeof v);
}

SYSCALL_DEFINE1(timer_getoverrun, uint64_t, uid)
{
	int id = timer_id(uid);

	return id < 0 ? -EINVAL : itimer_getoverrun(id);
}

SYSCALL_DEFINE1(timer_delete, uint64_t, uid)
{
	int id = timer_id(uid);

	return id < 0 ? -EINVAL : itimer_delete(id);
}
