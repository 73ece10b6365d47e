/*
 * Timers of the running process: setitimer's ITIMER_REAL (SIGALRM),
 * ITIMER_VIRTUAL (SIGVTALRM, user CPU time) and ITIMER_PROF (SIGPROF, all
 * CPU time), and the POSIX timers of timer_create. Each holds its next
 * expiry on its clock; the LAPIC timer interrupt (TIMER_HZ) checks them,
 * so a timer fires at the first tick after it is due (at most 10 ms late).
 * Wall-clock timers keep their expiry as time_ns(): nothing can set the
 * realtime clock, so CLOCK_REALTIME and CLOCK_MONOTONIC advance together.
 */
#include "itimer.h"

#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "proc.h"
#include "task.h"
#include "timer.h"

#define TIMERS ITIMER_COUNT

/* The running process's timers. */
static struct itimer_set *timers(void) { return &current_proc()->timers; }

static const int itimer_signal[ITIMER_POSIX] = {SIGALRM, SIGVTALRM, SIGPROF};
static const int itimer_clock[ITIMER_POSIX] = {ITIMER_CLOCK_WALL, ITIMER_CLOCK_USER,
					       ITIMER_CLOCK_CPU};

void itimer_init(struct itimer_set *ts)
{
	memset(ts->timer, 0, (size_t)ts->top * sizeof ts->timer[0]);
	ts->armed = 0;
	ts->top = ITIMER_POSIX;
	for (int t = 0; t < ITIMER_POSIX; t++)
		ts->timer[t] = (struct itimer){.used = true,
					    .clock = itimer_clock[t],
					    .notify = SIGEV_SIGNAL,
					    .signo = itimer_signal[t]};
}

void itimer_reset(void) { itimer_init(timers()); }

static uint64_t clock_now(const struct itimer *tm)
{
	uint64_t user, sys;

	if (tm->clock == ITIMER_CLOCK_WALL)
		return time_ns();
	if (tm->tid) {
		const struct thread *t = thread_find(tm->tid);
		if (!t)
			return 0; /* the thread has exited: the timer stops (as Linux's) */
		thread_cputime(t, &user, &sys);
	} else {
		proc_cputime(&user, &sys);
	}
	return tm->clock == ITIMER_CLOCK_USER ? user : user + sys;
}

static struct itimer *timer_at(int t)
{
	return t >= 0 && t < TIMERS && timers()->timer[t].used ? &timers()->timer[t] : NULL;
}

int itimer_create(int clock, int tid, int notify, int signo, int target, const uint64_t *value)
{
	for (int t = ITIMER_POSIX; t < TIMERS; t++)
		if (!timers()->timer[t].used) {
			if (t >= timers()->top)
				timers()->top = t + 1;
			uint64_t id = (uint64_t)(t - ITIMER_POSIX);
			timers()->timer[t] = (struct itimer){.used = true,
							     .clock = clock,
							     .tid = tid,
							     .notify = notify,
							     .signo = signo,
							     .target = target,
							     .value = value ? *value : id};
			return t - ITIMER_POSIX;
		}
	return -EAGAIN;
}

static void disarm(struct itimer *tm)
{
	if (tm->expires)
		timers()->armed--;
	tm->expires = 0;
}

int itimer_delete(int id)
{
	struct itimer *tm = id >= 0 ? timer_at(ITIMER_POSIX + id) : NULL;

	if (!tm)
		return -EINVAL;
	disarm(tm);
	tm->used = false; /* a signal it sent and not yet delivered is dropped */
	return 0;
}

static struct itimer_spec remaining(const struct itimer *tm)
{
	struct itimer_spec cur = {0, tm->interval};

	if (tm->expires) {
		uint64_t now = clock_now(tm);
		cur.value = tm->expires > now ? tm->expires - now : 1; /* due: at the next tick */
	}
	return cur;
}

int itimer_settime(int t, bool absolute, bool realtime, const struct itimer_spec *new,
		   struct itimer_spec *old)
{
	struct itimer *tm = timer_at(t);

	if (!tm)
		return -EINVAL;
	if (old)
		*old = remaining(tm);
	disarm(tm);
	tm->interval = new->interval;
	tm->overrun = 0;
	tm->sent = false;
	tm->seq = ++timers()->settings;
	if (!new->value)
		return 0;
	uint64_t now = clock_now(tm), at = new->value;
	if (absolute && realtime) { /* wall-clock time, as time_ns() */
		uint64_t wall = time_realtime_ns();
		at = at > wall ? now + (at - wall) : now;
	} else if (!absolute) {
		at = now + at < now ? UINT64_MAX : now + at;
	}
	tm->expires = at ? at : 1;
	timers()->armed++;
	itimer_poll(); /* already due: the signal comes as the call returns */
	return 0;
}

int itimer_gettime(int t, struct itimer_spec *cur)
{
	struct itimer *tm = timer_at(t);

	if (!tm)
		return -EINVAL;
	*cur = remaining(tm);
	return 0;
}

int itimer_getoverrun(int id)
{
	struct itimer *tm = id >= 0 ? timer_at(ITIMER_POSIX + id) : NULL;

	return tm ? (int)(tm->overrun_last > INT32_MAX ? INT32_MAX : tm->overrun_last) : -EINVAL;
}

/* tm expired, and `missed` more periods went by before this tick. While
 * its last signal is still pending, an expiry only counts as an overrun
 * (Linux sends one signal per timer until it is delivered). */
static void fire(struct itimer *tm, int t, uint32_t missed)
{
	if (tm->notify == SIGEV_NONE)
		return;
	if (tm->sent && (signal_pending_any() & (1ull << (tm->signo - 1)))) {
		tm->overrun += 1 + missed;
		return;
	}
	struct ksiginfo info = {.signo = tm->signo, .code = SI_KERNEL};
	if (t >= ITIMER_POSIX)
		info = (struct ksiginfo){.signo = tm->signo,
					 .code = SI_TIMER,
					 .pid = t - ITIMER_POSIX,
					 .value = tm->value,
					 .seq = tm->seq};
	if (tm->target) {
		struct thread *to = thread_find(tm->target);
		tm->sent = to && signal_send_thread(to, &info) == 0; /* none once it ended */
	} else {
		tm->sent = signal_send_info(&info) == 0;
	}
	tm->overrun = missed;
}

void itimer_poll(void)
{
	if (!proc_active() || !timers()->armed)
		return;
	for (int t = 0; t < timers()->top; t++) {
		struct itimer *tm = &timers()->timer[t];
		if (!tm->expires)
			continue;
		uint64_t now = clock_now(tm);
		if (now < tm->expires)
			continue;
		uint64_t missed = 0;
		if (tm->interval) {
			missed = (now - tm->expires) / tm->interval;
			uint64_t step;
			/* A period of centuries: never again, rather than wrap. */
			if (__builtin_mul_overflow(missed + 1, tm->interval, &step) ||
			    __builtin_add_overflow(tm->expires, step, &tm->expires))
				tm->expires = UINT64_MAX;
		} else {
			disarm(tm);
		}
		fire(tm, t, missed > UINT32_MAX ? UINT32_MAX : (uint32_t)missed);
	}
}

bool itimer_may_signal(uint64_t set)
{
	for (int t = 0; t < timers()->top; t++) {
		const struct itimer *tm = &timers()->timer[t];
		if (tm->expires && tm->clock == ITIMER_CLOCK_WALL && tm->notify != SIGEV_NONE &&
		    (set & (1ull << (tm->signo - 1))))
			return true;
	}
	return false;
}

int64_t itimer_delivered(int id, uint32_t seq)
{
	struct itimer *tm = id >= 0 ? timer_at(ITIMER_POSIX + id) : NULL;

	if (!tm || tm->seq != seq)
		return -1;
	tm->overrun_last = tm->overrun;
	tm->overrun = 0;
	tm->sent = false;
	return tm->overrun_last;
}
