/*
 * futex for a process with one thread: there is never a waiter to wake and
 * never another thread to wake us. FUTEX_WAIT therefore returns EAGAIN
 * when the value differs, else sleeps until its timeout (ETIMEDOUT) or a
 * signal (EINTR). A wait without a timeout that no timer's signal can end
 * never ends; instead of hanging the machine until the host's timeout, the
 * process is ended as if killed by SIGKILL (status 137) with a report
 * saying why.
 */
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "syscall.h"
#include "timer.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

/* The checks Linux makes on the address before anything else: aligned,
 * in the user half, and (for a shared futex) mapped. */
static int futex_address(uint64_t uaddr, bool private)
{
	uint32_t v;

	if (uaddr & 3)
		return -EINVAL;
	if (uaddr >= USER_TOP || uaddr + 4 > USER_TOP)
		return -EFAULT;
	return private ? 0 : copy_from_user(&v, uaddr, sizeof v);
}

/* The deadline in time_ns() terms: relative for FUTEX_WAIT, absolute on
 * CLOCK_MONOTONIC or CLOCK_REALTIME for FUTEX_WAIT_BITSET. */
static int futex_deadline(uint64_t utime, int cmd, bool realtime, uint64_t *deadline)
{
	uint64_t t;
	int err = timespec_from_user(utime, 1, &t);

	if (err)
		return err;
	*deadline = cmd == FUTEX_WAIT ? deadline_after(t) : realtime ? deadline_at_realtime(t) : t;
	return 0;
}

static int64_t futex_wait(uint64_t uaddr, uint32_t val, const uint64_t *deadline, uint32_t bitset,
			  bool private)
{
	uint32_t cur;

	if (!bitset)
		return -EINVAL;
	int err = futex_address(uaddr, private);
	if (err)
		return err;
	if (copy_from_user(&cur, uaddr, sizeof cur))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	/* Only a signal can end it early: -EINTR, or without a timeout a
	 * restart when its handler has SA_RESTART (as Linux). */
	err = signal_wait_or_end(deadline ? *deadline : SIGNAL_NO_DEADLINE,
				 "futex wait with no other thread to wake it (a deadlock)");
	if (err == -EINTR)
		return deadline ? -EINTR : -ERESTARTSYS;
	return -ETIMEDOUT;
}

SYSCALL_DEFINE6(futex, uint64_t, uaddr, int, op, uint32_t, val, uint64_t, utime, uint64_t, uaddr2, uint32_t, val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	uint64_t deadline;

	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
	    cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (utime) {
			int err = futex_deadline(utime, cmd, realtime, &deadline);
			if (err)
				return err;
		}
		return futex_wait(uaddr, val, utime ? &deadline : NULL,
				  cmd == FUTEX_WAIT ? ~0u : val3, private);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE_BITSET && !val3)
			return -EINVAL;
		/* Nobody waits, so none is woken: 0 once the address passes. */
		return futex_address(uaddr, private);
	default:
		return -ENOSYS; /* requeue, wake-op and priority-inheritance operations */
	}
}
