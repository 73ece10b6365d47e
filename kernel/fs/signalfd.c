/*
 * signalfd: signals read from a descriptor, so that an event loop (systemd,
 * libuv's signal handling, servers that stop cleanly on SIGTERM) waits for
 * them with its other descriptors. As Linux's: a read takes the signals of
 * the descriptor's mask pending for the reading thread (its own, then the
 * process's), as sigwaitinfo would, each as a struct signalfd_siginfo of
 * 128 bytes, as many as fit; with none it waits (EAGAIN with
 * SFD_NONBLOCK; a wait for a signal that nothing could send is a deadlock,
 * 137). poll sees POLLIN while one is pending; a sent signal wakes the
 * threads in poll, select and epoll (dev_ops.signals and pipe_poll_wake).
 * The program blocks the signals first, or their default action or handler
 * takes them before the descriptor sees them, as on Linux.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"

#define SFD_NONBLOCK O_NONBLOCK
#define SFD_CLOEXEC O_CLOEXEC
#define SI_MESGQ (-3)
#define BIT(s) (1ull << ((s)-1))

struct signalfd_siginfo_user {
	uint32_t signo;
	int32_t errno_, code;
	uint32_t pid, uid;
	int32_t fd;
	uint32_t tid, band, overrun, trapno;
	int32_t status, int_;
	uint64_t ptr, utime, stime, addr;
	uint16_t addr_lsb, pad2;
	int32_t syscall;
	uint64_t call_addr;
	uint32_t arch;
	uint8_t pad[28];
};

_Static_assert(sizeof(struct signalfd_siginfo_user) == 128, "Linux's signalfd_siginfo");

extern const struct dev_ops signalfd_ops;

static uint64_t *mask_of(const struct file *f)
{
	return f->inode->priv;
}

/* The fields Linux fills for each kind of sender (its siginfo layouts). */
static void fill(struct signalfd_siginfo_user *u, const struct ksiginfo *k)
{
	memset(u, 0, sizeof *u);
	u->signo = (uint32_t)k->signo;
	u->errno_ = k->errno_;
	u->code = k->code;
	if (k->code == SI_TIMER) {
		u->tid = (uint32_t)k->pid;
		u->overrun = k->uid;
		u->ptr = k->value;
		u->int_ = (int32_t)k->value;
	} else if (k->code < 0) { /* sigqueue, tkill, a message queue's notice */
		u->pid = (uint32_t)k->pid;
		u->uid = k->uid;
		u->ptr = k->value;
		u->int_ = (int32_t)k->value;
	} else { /* kill, the kernel */
		u->pid = (uint32_t)k->pid;
		u->uid = k->uid;
	}
}

static int64_t sfd_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	if (n < sizeof(struct signalfd_siginfo_user))
		return -EINVAL;
	f->refs++; /* another thread may close it while this one waits */
	int64_t done = 0;
	while (done + sizeof(struct signalfd_siginfo_user) <= n) {
		struct ksiginfo k;
		bool wait = !done && !(f->flags & O_NONBLOCK);
		int s = signal_timedwait(*mask_of(f), wait ? SIGNAL_NO_DEADLINE : 0, &k);
		if (s == -EDEADLK) {
			file_put(f);
			proc_killed(syscall_frame(), SIGKILL,
				    "signalfd read with no signal of its mask that could come (a "
				    "deadlock)",
				    "", true);
		}
		if (s < 0) {
			if (!done)
				done = s == -EINTR ? -ERESTARTSYS : -EAGAIN;
			break;
		}
		struct signalfd_siginfo_user u;
		fill(&u, &k);
		if (copy_to_user(ubuf + done, &u, sizeof u)) {
			if (!done)
				done = -EFAULT; /* the signal is taken, as Linux's */
			break;
		}
		done += sizeof u;
	}
	file_put(f);
	return done;
}

static unsigned sfd_poll(struct file *f)
{
	f->inode->wakes_in = signal_posts(); /* every post is a wake-up for epoll */
	return signal_pending() & *mask_of(f) ? POLLIN | POLLRDNORM : 0;
}

static uint64_t sfd_signals(struct file *f)
{
	return *mask_of(f);
}

const struct dev_ops signalfd_ops = {
    .anon = "signalfd",
    .read = sfd_read,
    .poll = sfd_poll,
    .open = anon_open,
    .release = anon_release,
    .may_change = poll_never_changes, /* its signals are dev_ops.signals' */
    .signals = sfd_signals,
    .pollers = true, /* a sent signal wakes poll (pipe_poll_wake) */
};

/* Linux's order: the mask's size (EINVAL) and the mask (EFAULT), the
 * flags (EINVAL), then the descriptor to change (EBADF, EINVAL for
 * another file). SIGKILL and SIGSTOP are taken out of the mask. */
SYSCALL_DEFINE4(signalfd4, int, ufd, uint64_t, umask, size_t, sizemask, int, flags)
{
	uint64_t mask;
	if (sizemask != sizeof mask)
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof mask))
		return -EFAULT;
	if (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC))
		return -EINVAL;
	mask &= ~(BIT(SIGKILL) | BIT(SIGSTOP));
	if (ufd != -1) {
		struct file *f = fd_get(ufd);
		if (!f)
			return -EBADF;
		if (f->inode->dev != &signalfd_ops)
			return -EINVAL;
		*mask_of(f) = mask;
		pipe_poll_wake(); /* pollers look again with the new mask */
		return ufd;
	}
	uint64_t *m = kmalloc(sizeof *m);
	if (!m)
		return -ENOMEM;
	*m = mask;
	return anon_fd(&signalfd_ops, m, O_RDWR | (flags & SFD_NONBLOCK), flags & SFD_CLOEXEC);
}

SYSCALL_DEFINE3(signalfd, int, ufd, uint64_t, umask, size_t, sizemask)
{
	return do_sys_signalfd4(ufd, umask, sizemask, 0);
}
