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

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_NONBLOCK O_NONBLOCK
#define TFD_CLOEXEC O_CLOEXEC

struct timerfd {
	bool realtime; /* its clock is the wall clock (absolute times) */
	bool armed;
	int64_t expiry;	   /* the next, as time_ns() (before boot: below 0) */
	uint64_t interval; /* ns, at most INT64_MAX; 0: once */
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

/* Count the expirations up to now; the first since the last read is a
 * wake-up of its readers (epoll's edges). */
static struct timerfd *advance(struct file *f)
{
	struct timerfd *t = tfd_of(f);
	int64_t now = (int64_t)time_ns();
	if (!t->armed || now < t->expiry)
		return t;
	if (!t->ticks) /* Linux's timer wakes again only once read */
		f->inode->wakes_in++;
	if (!t->interval) {
		t->ticks++;
		t->armed = false;
		return t;
	}
	uint64_t n = 1 + ((uint64_t)now - (uint64_t)t->expiry) / t->interval, step;
	t->ticks += n;
	if (__builtin_mul_overflow(n, t->interval, &step) || step > (uint64_t)INT64_MAX ||
	    __builtin_add_overflow(t->expiry, (int64_t)step, &t->expiry))
		t->expiry = INT64_MAX; /* past any time there will be */
	return t;
}

static int64_t tfd_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	if (n < 8)
		return -EINVAL;
	struct timerfd *t = tfd_of(f);
	f->refs++; /* another thread may close it while this one waits */
	int64_t r = 0;
	for (advance(f); !t->ticks && !r; advance(f)) {
		if (f->flags & O_NONBLOCK) {
			r = -EAGAIN;
			break;
		}
		int err = waitq_wait_until(&t->waiters,
					   t->armed ? (uint64_t)(t->expiry < 1 ? 1 : t->expiry)
						    : THREAD_NO_DEADLINE);
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
	return advance(f)->ticks ? POLLIN | POLLRDNORM : 0;
}

/* Its next expiry, while none waits to be read (with one, it is ready
 * already: a wait must not end at each of its periods). */
static uint64_t tfd_wake_at(struct file *f)
{
	struct timerfd *t = advance(f);
	if (!t->armed || t->ticks)
		return POLL_NO_DEADLINE;
	return t->expiry < 1 ? 1 : (uint64_t)t->expiry;
}

const struct dev_ops timerfd_ops = {
    .anon = "timerfd",
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
static struct itimerspec_user current(struct file *f)
{
	struct timerfd *t = advance(f);
	int64_t now = (int64_t)time_ns();
	uint64_t left = t->armed && t->expiry > now ? (uint64_t)(t->expiry - now) : 0;
	return (struct itimerspec_user){ts_of(t->interval), ts_of(left)};
}

/* The fd as a timerfd: EBADF, or EINVAL for another file, as Linux. */
static int timerfd_get(int fd, struct file **f)
{
	*f = fd_get(fd);
	if (!*f || (*f)->flags & O_PATH)
		return -EBADF;
	return tfd_of(*f) ? 0 : -EINVAL;
}

/* time_ns() + ns, or INT64_MAX past it. */
static int64_t later(uint64_t ns)
{
	int64_t now = (int64_t)time_ns();
	return ns > (uint64_t)(INT64_MAX - now) ? INT64_MAX : now + (int64_t)ns;
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
	struct file *f;
	int err = timerfd_get(fd, &f);
	if (err)
		return err;
	struct timerfd *t = tfd_of(f);
	struct itimerspec_user old = current(f);
	t->ticks = 0;
	t->interval = interval > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : interval;
	t->armed = value != 0;
	if (!(flags & TFD_TIMER_ABSTIME)) {
		t->expiry = later(value);
	} else if (!t->realtime) {
		t->expiry = value > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)value;
	} else { /* the wall clock's time as time_ns()'s, perhaps before boot */
		uint64_t wall = time_realtime_ns();
		int64_t now = (int64_t)time_ns();
		t->expiry = value >= wall ? later(value - wall)
			    : wall - value > (uint64_t)now + (uint64_t)INT64_MAX
				? INT64_MIN
				: now - (int64_t)(wall - value);
	}
	waitq_wake(&t->waiters); /* readers and pollers look at the new expiry */
	return uold && copy_to_user(uold, &old, sizeof old) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(timerfd_gettime, int, fd, uint64_t, ucur)
{
	struct file *f;
	int err = timerfd_get(fd, &f);
	if (err)
		return err;
	struct itimerspec_user cur = current(f);
	return copy_to_user(ucur, &cur, sizeof cur) ? -EFAULT : 0;
}
