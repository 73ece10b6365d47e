/*
 * timerfd: a timer behind a descriptor, which event loops (systemd,
 * libevent, Qt, and programs with their own epoll loops) wait on with
 * their other descriptors. As Linux's: timerfd_settime arms it (relative,
 * or at an absolute time of its clock, with an interval or once),
 * timerfd_gettime says what is left, and a read of 8 bytes takes the
 * number of expirations since the last read or settime, waiting for the
 * next (EAGAIN with TFD_NONBLOCK; a wait with the timer disarmed and no
 * other thread to arm it is a deadlock, 137). poll sees POLLIN while
 * expirations wait; poll, select and epoll waits end at its expiry
 * (dev_ops.wake_at), and another thread's settime wakes them.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_NONBLOCK O_NONBLOCK
#define TFD_CLOEXEC O_CLOEXEC

struct timerfd {
	bool realtime;	   /* its clock is the wall clock (absolute times) */
	uint64_t expiry;   /* the next, as time_ns(); 0: disarmed */
	uint64_t interval; /* ns; 0: once */
	uint64_t ticks;	   /* expirations not yet read */
	struct waitq waiters;
};

struct itimerspec_user {
	struct timespec_user interval, value;
};

extern const struct dev_ops timerfd_ops;

static struct timerfd *tfd_of(const struct file *f)
{
	return f && f->inode->dev == &timerfd_ops ? f->inode->priv : NULL;
}

/* Count the expirations up to now. */
static void advance(struct timerfd *t)
{
	uint64_t now = time_ns();
	if (!t->expiry || now < t->expiry)
		return;
	if (!t->interval) {
		t->ticks++;
		t->expiry = 0;
		return;
	}
	uint64_t n = 1 + (now - t->expiry) / t->interval;
	t->ticks += n;
	t->expiry += n * t->interval;
}

static int64_t tfd_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	if (n < 8)
		return -EINVAL;
	struct timerfd *t = tfd_of(f);
	f->refs++; /* another thread may close it while this one waits */
	int64_t r = 0;
	for (advance(t); !t->ticks && !r; advance(t)) {
		if (f->flags & O_NONBLOCK) {
			r = -EAGAIN;
			break;
		}
		int err = waitq_wait_until(&t->waiters, t->expiry ? t->expiry : THREAD_NO_DEADLINE);
		if (err == -EDEADLK) {
			file_put(f);
			proc_killed(
			    syscall_frame(), SIGKILL,
			    "timerfd read with the timer not armed and no other thread to arm "
			    "it (a deadlock)",
			    "", true);
		}
		if (err == -EINTR)
			r = -ERESTARTSYS;
	}
	if (!r) {
		uint64_t v = t->ticks;
		t->ticks = 0;
		r = copy_to_user(ubuf, &v, sizeof v) ? -EFAULT : 8;
	}
	file_put(f);
	return r;
}

static unsigned tfd_poll(struct file *f)
{
	struct timerfd *t = tfd_of(f);
	advance(t);
	return t->ticks ? POLLIN | POLLRDNORM : 0;
}

static uint64_t tfd_wake_at(struct file *f)
{
	struct timerfd *t = tfd_of(f);
	advance(t);
	return t->expiry ? t->expiry : POLL_NO_DEADLINE;
}

const struct dev_ops timerfd_ops = {
    .read = tfd_read,
    .poll = tfd_poll,
    .open = anon_open,
    .release = anon_release,
    .may_change = poll_never_changes, /* its expiry is wake_at's */
    .wake_at = tfd_wake_at,
    .pollers = true, /* another thread's settime wakes poll */
};

SYSCALL_DEFINE2(timerfd_create, int, clockid, int, flags)
{
	if (flags & ~(TFD_NONBLOCK | TFD_CLOEXEC))
		return -EINVAL;
	if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC && clockid != CLOCK_BOOTTIME &&
	    clockid != CLOCK_REALTIME_ALARM && clockid != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	struct timerfd *t = kzalloc(sizeof *t);
	if (!t)
		return -ENOMEM;
	t->realtime = clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_ALARM;
	return anon_fd(&timerfd_ops, t, O_RDWR | (flags & TFD_NONBLOCK), flags & TFD_CLOEXEC);
}

static struct timespec_user ts_of(uint64_t ns)
{
	return (struct timespec_user){(int64_t)(ns / NS_PER_SEC), (int64_t)(ns % NS_PER_SEC)};
}

/* What is left and the interval, in the program's layout. */
static struct itimerspec_user current(struct timerfd *t)
{
	advance(t);
	uint64_t now = time_ns();
	uint64_t left = t->expiry > now ? t->expiry - now : t->expiry ? 1 : 0;
	return (struct itimerspec_user){ts_of(t->interval), ts_of(left)};
}

/* The fd as a timerfd: EBADF, or EINVAL for another file, as Linux. */
static int timerfd_get(int fd, struct timerfd **t)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	*t = tfd_of(f);
	return *t ? 0 : -EINVAL;
}

/* Linux's order: the new value is read (EFAULT), the flags and the value
 * checked (EINVAL), then the descriptor (EBADF, EINVAL). */
SYSCALL_DEFINE4(timerfd_settime, int, fd, int, flags, uint64_t, unew, uint64_t, uold)
{
	struct itimerspec_user v;
	uint64_t value, interval;
	if (copy_from_user(&v, unew, sizeof v))
		return -EFAULT;
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) ||
	    timespec_ns(&v.value, 1, &value) || timespec_ns(&v.interval, 1, &interval))
		return -EINVAL;
	struct timerfd *t;
	int err = timerfd_get(fd, &t);
	if (err)
		return err;
	struct itimerspec_user old = current(t);
	t->ticks = 0;
	t->interval = value ? interval : 0;
	if (!value)
		t->expiry = 0;
	else if (!(flags & TFD_TIMER_ABSTIME))
		t->expiry = deadline_after(value);
	else /* an absolute time past is an expiry now */
		t->expiry = t->realtime ? deadline_at_realtime(value) : value;
	if (t->expiry == 0 && value)
		t->expiry = 1;
	waitq_wake(&t->waiters); /* readers and pollers look at the new expiry */
	return uold && copy_to_user(uold, &old, sizeof old) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(timerfd_gettime, int, fd, uint64_t, ucur)
{
	struct timerfd *t;
	int err = timerfd_get(fd, &t);
	if (err)
		return err;
	struct itimerspec_user cur = current(t);
	return copy_to_user(ucur, &cur, sizeof cur) ? -EFAULT : 0;
}
