/*
 * Waiting for file descriptors: poll, ppoll, select, pselect6. Files and
 * devices are always ready; pipes are ready by their contents; only stdin
 * from the host, or a pipe that another thread of the program reads,
 * writes or closes, can become ready while we wait. So a wait that nothing can
 * end sleeps out its timeout or until a signal (EINTR); without a timeout,
 * and with no timer to send a signal, it is a deadlock: the program ends
 * with a message (status 137) rather than hang the machine.
 */
#include "console.h"
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "sched.h"
#include "ksignal.h"
#include "kstring.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"
#include "x86.h"

struct pollfd_user {
	int32_t fd;
	int16_t events, revents;
};

__attribute__((noreturn)) void poll_deadlock(void)
{
	kreport("bareflow: the program would wait forever: it polls only descriptors that no "
		"one else can make ready, with no timeout\n");
	proc_exit(128 + 9);
}

void poll_sources_add(struct poll_sources *src, struct file *f)
{
	const struct inode *ip = f->inode;
	uint64_t at = file_wake_at(f);
	src->may_change |= file_may_change(f);
	src->pipes |= ip->pipe || (ip->dev && ip->dev->pollers);
	src->wake = at < src->wake ? at : src->wake;
	src->signals |= ip->dev && ip->dev->signals ? ip->dev->signals(f) : 0;
}

/* A signal ended signal_wait: one of `also` (a signalfd of the set is
 * ready: look again) or another. */
static int signal_ended(int err, uint64_t also)
{
	if (err == -EDEADLK)
		return POLL_FOREVER;
	return err == -EINTR && (signal_pending() & also) ? POLL_AGAIN : POLL_SIGNAL;
}

/* Nothing is ready yet: wait for something to change (POLL_AGAIN: look
 * again), or say the wait is over. Host input (may_change) and, with other
 * threads, pipes and eventfds (pipes) can change; otherwise sleep out the
 * deadline or until a signal (POLL_SIGNAL; one of `also` is POLL_AGAIN),
 * and when neither can come the wait could never end (POLL_FOREVER). */
static int wait_more(bool may_change, bool pipes, uint64_t deadline, uint64_t also)
{
	if (deadline == 0)
		return POLL_DONE;
	/* only a signal not pending already is news (one pending but not
	 * reported, as an EPOLLET signalfd's, must not end each wait) */
	also &= ~signal_pending();
	if (!may_change && pipes && current_proc()->nthreads > 1) {
		/* until a pipe changes, or a signal is sent (pipe_poll_wake) */
		signal_wait_also(also);
		int err = pipe_poll_wait(deadline);
		signal_wait_also(0);
		if (err)
			return err == -EDEADLK ? POLL_FOREVER : POLL_SIGNAL;
		return deadline != POLL_NO_DEADLINE && time_ns() >= deadline ? POLL_DONE : POLL_AGAIN;
	}
	if (!may_change) {
		int err = signal_wait(deadline, also);
		return err ? signal_ended(err, also) : POLL_DONE;
	}
	if (deadline != POLL_NO_DEADLINE && time_ns() >= deadline)
		return POLL_DONE;
	int err = signal_wait(0, also); /* only looks */
	if (err)
		return signal_ended(err, also);
	if (pipes && current_proc()->nthreads > 1) {
		/* until input or the next tick (a deadline wakes at each), or
		 * another thread's change to a pipe or eventfd of the set */
		uint64_t tick = time_ns() + 1000000000ull / TIMER_HZ;
		signal_wait_also(also);
		err = pipe_poll_wait(deadline < tick ? deadline : tick);
		signal_wait_also(0);
		return err == -EINTR ? POLL_SIGNAL : POLL_AGAIN;
	}
	sched_wait_interrupt(); /* until input, or the next timer tick */
	return POLL_AGAIN;
}

int poll_wait(const struct poll_sources *src, uint64_t deadline)
{
	if (src->wake >= deadline)
		return wait_more(src->may_change, src->pipes, deadline, src->signals);
	int w = wait_more(src->may_change, src->pipes, src->wake ? src->wake : 1, src->signals);
	return w == POLL_DONE ? POLL_AGAIN : w;
}

static int64_t do_poll(uint64_t ufds, unsigned int nfds, uint64_t deadline)
{
	if (nfds > (uint64_t)fd_limit())
		return -EINVAL;
	struct pollfd_user *p = kmalloc(nfds ? nfds * sizeof *p : 1);
	if (!p)
		return -ENOMEM;
	if (copy_from_user(p, ufds, nfds * sizeof *p)) {
		kfree(p);
		return -EFAULT;
	}
	int64_t ready;
	int w;
	for (w = POLL_AGAIN; w == POLL_AGAIN;) {
		struct poll_sources src = POLL_SOURCES_NONE;
		ready = 0;
		for (uint64_t i = 0; i < nfds; i++) {
			struct file *f = p[i].fd >= 0 ? fd_get(p[i].fd) : NULL;
			p[i].revents = 0;
			if (p[i].fd < 0)
				continue;
			if (!f) {
				p[i].revents = POLLNVAL;
			} else {
				unsigned want = (uint16_t)p[i].events | POLLERR | POLLHUP;
				p[i].revents = (int16_t)(file_poll(f) & want);
				poll_sources_add(&src, f);
			}
			ready += p[i].revents != 0;
		}
		w = ready ? POLL_DONE : poll_wait(&src, deadline);
		if (w == POLL_FOREVER) {
			kfree(p);
			poll_deadlock();
		}
	}
	if (w == POLL_SIGNAL) {
		kfree(p);
		return -EINTR;
	}
	int err = copy_to_user(ufds, p, nfds * sizeof *p);
	kfree(p);
	return err ? -EFAULT : ready;
}

SYSCALL_DEFINE3(poll, uint64_t, fds, unsigned int, nfds, int, timeout)
{
	return do_poll(fds, nfds,
		       timeout < 0 ? POLL_NO_DEADLINE : time_ns() + (uint64_t)timeout * 1000000);
}

int poll_deadline(uint64_t uts, bool micro, uint64_t *deadline, bool *zero)
{
	struct timespec_user ts;
	uint64_t ns;
	*zero = false;
	if (!uts) {
		*deadline = POLL_NO_DEADLINE;
		return 0;
	}
	if (copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	if (micro && ts.sec >= 0 && ts.nsec >= 1000000) {
		int64_t carry = ts.nsec / 1000000;
		ts.sec = ts.sec < INT64_MAX - carry ? ts.sec + carry : INT64_MAX;
		ts.nsec %= 1000000;
	}
	int err = timespec_ns(&ts, micro ? 1000 : 1, &ns);
	if (!err)
		*deadline = deadline_after(ns);
	*zero = !err && ns == 0;
	return err;
}

int poll_sigmask(uint64_t usig, uint64_t size, uint64_t *mask)
{
	if (!usig)
		return 0;
	if (size != sizeof *mask)
		return -EINVAL;
	return copy_from_user(mask, usig, sizeof *mask);
}

SYSCALL_DEFINE5(ppoll, uint64_t, fds, unsigned int, nfds, uint64_t, tsp, uint64_t, sigmask, size_t, sigsetsize)

{
	uint64_t deadline, mask;
	bool zero;
	int err = poll_deadline(tsp, false, &deadline, &zero);
	if (!err)
		err = poll_sigmask(sigmask, sigsetsize, &mask);
	if (err)
		return err;
	if (sigmask)
		signal_wait_mask(mask);
	int64_t r = do_poll(fds, nfds, deadline);
	if (sigmask)
		signal_wait_unmask(r == -EINTR);
	return r;
}

/* select's three sets, as bitmaps of nfds bits. */
static int64_t do_select(int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t deadline)
{
	uint64_t in[3][FD_SETSIZE / 64], out[3][FD_SETSIZE / 64];
	uint64_t sets[3] = {ur, uw, ue};

	if (nfds < 0 || nfds > FD_SETSIZE)
		return -EINVAL;
	size_t bytes = ((size_t)nfds + 63) / 64 * 8;
	memset(in, 0, sizeof in);
	for (int s = 0; s < 3; s++)
		if (sets[s] && copy_from_user(in[s], sets[s], bytes))
			return -EFAULT;
	for (int fd = 0; fd < nfds; fd++)
		if (((in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) >> (fd % 64) & 1) && !fd_get(fd))
			return -EBADF;
	int64_t ready;
	int w;
	for (w = POLL_AGAIN; w == POLL_AGAIN;) {
		struct poll_sources src = POLL_SOURCES_NONE;
		ready = 0;
		memset(out, 0, sizeof out);
		for (int fd = 0; fd < nfds; fd++) {
			uint64_t bit = 1ull << (fd % 64);
			if (!((in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) & bit))
				continue;
			struct file *f = fd_get(fd);
			if (!f) { /* closed by another thread meanwhile: ready, as on Linux */
				for (int k = 0; k < 3; k++)
					if (in[k][fd / 64] & bit)
						out[k][fd / 64] |= bit, ready++;
				continue;
			}
			unsigned r = file_poll(f);
			poll_sources_add(&src, f);
			if ((in[0][fd / 64] & bit) && (r & (POLLIN | POLLHUP | POLLERR)))
				out[0][fd / 64] |= bit, ready++;
			if ((in[1][fd / 64] & bit) && (r & (POLLOUT | POLLERR)))
				out[1][fd / 64] |= bit, ready++;
		}
		w = ready ? POLL_DONE : poll_wait(&src, deadline);
		if (w == POLL_FOREVER)
			poll_deadlock();
	}
	if (w == POLL_SIGNAL)
		return -EINTR;
	for (int s = 0; s < 3; s++)
		if (sets[s] && copy_to_user(sets[s], out[s], bytes))
			return -EFAULT;
	return ready;
}

SYSCALL_DEFINE5(select, int, nfds, uint64_t, r, uint64_t, w, uint64_t, e, uint64_t, tv)
{
	uint64_t deadline;
	bool zero;
	int err = poll_deadline(tv, true, &deadline, &zero);
	return err ? err : do_select(nfds, r, w, e, deadline);
}

/* The sixth argument points at {const sigset_t *set; size_t size}. */
SYSCALL_DEFINE6(pselect6, int, nfds, uint64_t, r, uint64_t, w, uint64_t, e, uint64_t, tsp, uint64_t, usig)
{
	uint64_t deadline, mask, sigarg[2] = {0, 0};
	bool zero;
	int err = poll_deadline(tsp, false, &deadline, &zero);
	if (!err && usig && copy_from_user(sigarg, usig, sizeof sigarg))
		err = -EFAULT;
	if (!err)
		err = poll_sigmask(sigarg[0], sigarg[1], &mask);
	if (err)
		return err;
	if (sigarg[0])
		signal_wait_mask(mask);
	int64_t n = do_select(nfds, r, w, e, deadline);
	if (sigarg[0])
		signal_wait_unmask(n == -EINTR);
	return n;
}
