/* Timeouts that system calls take as struct timespec or struct timeval:
 * one parser, and deadlines that saturate instead of wrapping. */
#include "kerrno.h"
#include "proc.h"
#include "timer.h"

/* Past this many seconds a timeout is effectively endless (and the sum
 * below cannot overflow). */
#define SEC_MAX (UINT64_MAX / NS_PER_SEC - 1)
#define LAST_DEADLINE (UINT64_MAX - 1)

int timespec_ns(const struct timespec_user *ts, uint64_t unit, uint64_t *ns)
{
	if (ts->sec < 0 || ts->nsec < 0 || (uint64_t)ts->nsec >= NS_PER_SEC / unit)
		return -EINVAL;
	uint64_t sec = (uint64_t)ts->sec < SEC_MAX ? (uint64_t)ts->sec : SEC_MAX;
	*ns = sec * NS_PER_SEC + (uint64_t)ts->nsec * unit;
	return 0;
}

int timespec_from_user(uint64_t uts, uint64_t unit, uint64_t *ns)
{
	struct timespec_user ts;

	if (copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	return timespec_ns(&ts, unit, ns);
}

uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = time_ns();
	return ns < LAST_DEADLINE - now ? now + ns : LAST_DEADLINE;
}

uint64_t deadline_at_realtime(uint64_t wall_ns)
{
	uint64_t wall = time_realtime_ns();
	return wall_ns <= wall ? time_ns() : deadline_after(wall_ns - wall);
}
