/*
 * epoll: a set of descriptors to wait on, kept in the kernel, as event
 * loops (libuv, libevent, Python's selectors, Go's netpoller) use it. An
 * epoll file holds items, each an open file with the descriptor it was
 * added under, the events wanted and the user's 64-bit data; an item goes
 * when it is deleted or when its file is last closed (epoll_forget from
 * file_put), not when one descriptor of it is closed, as on Linux.
 *
 * Readiness is each file's poll (file_poll), level-triggered by default.
 * With EPOLLET an item is reported once per wake-up of its file in the
 * direction it waits for (a write for readers, a read for writers: the
 * inode's wakes_in and wakes_out, bumped by pipes and eventfds), or when
 * readiness appears that was not there at the last look (host input), or
 * once after it is added or modified; EPOLLONESHOT disables an item
 * after one report until EPOLL_CTL_MOD. Reported items move to the end of
 * the list, so a caller with a small maxevents sees each ready item in
 * turn. The wait itself is poll's (sys_poll.c): pipes and eventfds of
 * other threads wake it at once, host input at the next tick, and a wait
 * that nothing can end is a deadlock (137).
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "layout.h"
#include "proc.h"
#include "syscall.h"
#include "timer.h"

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLIN 0x001
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDNORM 0x040
#define EPOLLRDBAND 0x080
#define EPOLLWRNORM 0x100
#define EPOLLWRBAND 0x200
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
#define EPOLL_PRIVATE (EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET)
/* The only bits an EPOLLEXCLUSIVE item may ask for (Linux's). */
#define EPOLL_EXCLUSIVE_OK                                                                         \
	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLL_IN_SIDE (EPOLLIN | EPOLLRDNORM | EPOLLRDBAND | 0x002 /* EPOLLPRI */)
#define EPOLL_OUT_SIDE (EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND)

#define EPOLL_NESTS 4 /* epolls within epolls, as deep as Linux allows */
/* maxevents above this is EINVAL: INT_MAX / sizeof (struct epoll_event). */
#define EPOLL_EVENTS_MAX (0x7fffffff / 12)

/* As the program sees it: packed on x86-64. */
struct epoll_event_user {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct epitem {
	struct file *file; /* not a reference: epoll_forget drops the item */
	int fd;
	uint32_t events; /* wanted, with EPOLLERR | EPOLLHUP and the private bits */
	uint64_t data;
	uint32_t in_seen, out_seen; /* the inode's wakes_in, wakes_out at the last look */
	unsigned last;		    /* readiness at the last look */
	bool armed;		    /* added or modified since the last look */
	struct epitem *next;
};

struct epoll {
	struct epitem *items; /* in the order they are looked at */
	struct epoll *next;   /* every epoll, for epoll_forget */
};

static struct epoll *all;

extern const struct dev_ops epoll_ops;

static struct epoll *epoll_of(const struct file *f)
{
	return f->inode->dev == &epoll_ops ? f->inode->priv : NULL;
}

static unsigned ready_of(struct file *f, int depth);

/* What the item would report now (0: nothing); its file's readiness in
 * *now. With EPOLLET, only if its file woke for it since the last look. */
static unsigned item_ready(struct epitem *it, int depth, unsigned *now)
{
	uint32_t want = it->events & ~EPOLL_PRIVATE;
	*now = ready_of(it->file, depth);
	unsigned r = *now & want;
	const struct inode *ip = it->file->inode;
	bool woke = it->armed || (r & ~it->last) ||
		    ((want & EPOLL_IN_SIDE) && ip->wakes_in != it->in_seen) ||
		    ((want & EPOLL_OUT_SIDE) && ip->wakes_out != it->out_seen);
	return it->events & EPOLLET && !woke ? 0 : r;
}

/* Some item would be reported (poll of an epoll file: EPOLLIN). */
static bool any_ready(struct epoll *ep, int depth)
{
	unsigned now;
	for (struct epitem *it = ep->items; it; it = it->next)
		if (item_ready(it, depth, &now))
			return true;
	return false;
}

static unsigned ready_of(struct file *f, int depth)
{
	struct epoll *ep = epoll_of(f);
	if (!ep)
		return file_poll(f);
	return depth < EPOLL_NESTS && any_ready(ep, depth + 1) ? EPOLLIN | EPOLLRDNORM : 0;
}

static unsigned ep_poll(struct file *f)
{
	return ready_of(f, 0);
}

/* Whether something outside the program (host input) may make an item
 * ready; and whether another thread's pipe or eventfd may. */
static void item_sources(struct epoll *ep, int depth, bool *may_change, bool *pipes)
{
	for (struct epitem *it = ep->items; it; it = it->next) {
		struct epoll *inner = epoll_of(it->file);
		const struct inode *ip = it->file->inode;
		if (inner && depth < EPOLL_NESTS)
			item_sources(inner, depth + 1, may_change, pipes);
		else if (!inner) {
			*may_change |= file_may_change(it->file);
			*pipes |= ip->pipe || (ip->dev && ip->dev->pollers);
		}
	}
}

static bool ep_may_change(struct file *f)
{
	bool may_change = false, pipes = false;
	item_sources(f->inode->priv, 1, &may_change, &pipes);
	return may_change;
}

static int64_t ep_read(struct file *f, uint64_t ubuf, uint64_t n)
{
	(void)f, (void)ubuf, (void)n;
	return -EINVAL;
}

static int64_t ep_write(struct file *f, uint64_t ubuf, uint64_t n)
{
	(void)f, (void)ubuf, (void)n;
	return -EINVAL;
}

/* No second open through /proc/self/fd: ENXIO, as an eventfd's. */
static int ep_open(struct inode *ip)
{
	(void)ip;
	return -ENXIO;
}

static void ep_release(struct file *f)
{
	struct epoll *ep = f->inode->priv, **pp;
	for (pp = &all; *pp && *pp != ep; pp = &(*pp)->next)
		;
	if (*pp) /* not yet, when its fd could not be installed */
		*pp = ep->next;
	while (ep->items) {
		struct epitem *it = ep->items;
		ep->items = it->next;
		kfree(it);
	}
	kfree(ep);
	f->inode->priv = NULL;
}

const struct dev_ops epoll_ops = {
    .read = ep_read,
    .write = ep_write,
    .poll = ep_poll,
    .open = ep_open,
    .release = ep_release,
    .may_change = ep_may_change,
    .pollers = true, /* its items' pipes and eventfds wake poll */
};

void epoll_forget(struct file *f)
{
	for (struct epoll *ep = all; ep; ep = ep->next)
		for (struct epitem **pp = &ep->items; *pp;) {
			struct epitem *it = *pp;
			if (it->file == f) {
				*pp = it->next;
				kfree(it);
			} else {
				pp = &it->next;
			}
		}
}

static int create(int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	struct epoll *ep = kzalloc(sizeof *ep);
	if (!ep)
		return -ENOMEM;
	int fd = anon_fd(&epoll_ops, ep, O_RDWR, flags & O_CLOEXEC);
	if (fd >= 0) {
		ep->next = all;
		all = ep;
	}
	return fd;
}

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	return create(flags);
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
	return size <= 0 ? -EINVAL : create(0);
}

/* How deep epolls go below ep (1: no epoll among its items), and whether
 * `target` is among them. */
static int depth_below(struct epoll *ep, struct epoll *target, bool *found, int depth)
{
	int deepest = 1;
	if (depth > EPOLL_NESTS + 1)
		return deepest;
	for (struct epitem *it = ep->items; it; it = it->next) {
		struct epoll *inner = epoll_of(it->file);
		if (!inner)
			continue;
		if (inner == target)
			*found = true;
		int d = 1 + depth_below(inner, target, found, depth + 1);
		deepest = d > deepest ? d : deepest;
	}
	return deepest;
}

/* How many epolls hold ep, at most (the longest chain above it). */
static int depth_above(struct epoll *ep, int depth)
{
	int deepest = 0;
	if (depth > EPOLL_NESTS + 1)
		return deepest;
	for (struct epoll *o = all; o; o = o->next)
		for (struct epitem *it = o->items; it; it = it->next)
			if (epoll_of(it->file) == ep) {
				int d = 1 + depth_above(o, depth + 1);
				deepest = d > deepest ? d : deepest;
			}
	return deepest;
}

/* Adding target (an epoll) to ep would make a loop, or a chain of epolls
 * deeper than Linux allows: ELOOP. */
static int loop_check(struct epoll *ep, struct epoll *target)
{
	bool found = false;
	int below = depth_below(target, ep, &found, 0);
	if (found || below + depth_above(ep, 0) > EPOLL_NESTS)
		return -ELOOP;
	return 0;
}

/* Linux's checks, in its order: the event is read first (not for DEL),
 * then both descriptors, whether the target can be waited on (a regular
 * file or directory cannot: EPERM), then what epfd is. */
SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, uint64_t, uevent)
{
	struct epoll_event_user ev = {0, 0};
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uevent, sizeof ev))
		return -EFAULT;
	struct file *ef = fd_get(epfd), *tf = fd_get(fd);
	if (!ef || !tf)
		return -EBADF;
	const struct inode *tip = tf->inode;
	uint32_t type = tip->mode & S_IFMT;
	if (tf->flags & O_PATH || ((type == S_IFREG || type == S_IFDIR) && !tip->dev && !tip->mq))
		return -EPERM;
	struct epoll *ep = epoll_of(ef);
	if (ef == tf || !ep)
		return -EINVAL;
	ev.events &= ~EPOLLWAKEUP; /* without CAP_BLOCK_SUSPEND, dropped as Linux does */
	if (op != EPOLL_CTL_DEL && ev.events & EPOLLEXCLUSIVE &&
	    (op == EPOLL_CTL_MOD ||
	     (op == EPOLL_CTL_ADD && (epoll_of(tf) || ev.events & ~EPOLL_EXCLUSIVE_OK))))
		return -EINVAL;
	struct epitem *it, **pp;
	for (pp = &ep->items; *pp && !((*pp)->file == tf && (*pp)->fd == fd); pp = &(*pp)->next)
		;
	it = *pp;
	switch (op) {
	case EPOLL_CTL_ADD: {
		if (it)
			return -EEXIST;
		int err = epoll_of(tf) ? loop_check(ep, epoll_of(tf)) : 0;
		if (err)
			return err;
		it = kzalloc(sizeof *it);
		if (!it)
			return -ENOMEM;
		it->file = tf;
		it->fd = fd;
		*pp = it; /* at the end */
		break;
	}
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		*pp = it->next;
		kfree(it);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	it->events = ev.events | EPOLLERR | EPOLLHUP;
	it->data = ev.data;
	it->armed = true;
	return 0;
}

/* One look: up to max ready items into out, each consumed as its mode
 * says and moved to the end of the list. Returns how many. */
static int collect(struct epoll *ep, struct epoll_event_user *out, int max)
{
	int n = 0;
	struct epitem *done = NULL, **done_end = &done;
	for (struct epitem **pp = &ep->items; *pp && n < max;) {
		struct epitem *it = *pp;
		unsigned now, r = item_ready(it, 0, &now);
		it->last = now;
		it->in_seen = it->file->inode->wakes_in;
		it->out_seen = it->file->inode->wakes_out;
		it->armed = false;
		if (!r) {
			pp = &it->next;
			continue;
		}
		out[n].events = r;
		out[n++].data = it->data;
		if (it->events & EPOLLONESHOT)
			it->events &= EPOLL_PRIVATE; /* nothing more until EPOLL_CTL_MOD */
		*pp = it->next;
		it->next = NULL;
		*done_end = it;
		done_end = &it->next;
	}
	struct epitem **end;
	for (end = &ep->items; *end; end = &(*end)->next)
		;
	*end = done;
	return n;
}

static int64_t do_wait(int epfd, uint64_t uevents, int max, uint64_t deadline)
{
	if (max <= 0 || max > EPOLL_EVENTS_MAX)
		return -EINVAL;
	if (uevents >= USER_TOP ||
	    (uint64_t)max * sizeof(struct epoll_event_user) > USER_TOP - uevents)
		return -EFAULT; /* Linux's access_ok, before anything else is looked at */
	struct file *f = fd_get(epfd);
	if (!f)
		return -EBADF;
	if (!epoll_of(f))
		return -EINVAL;
	int cap = max < 64 ? max : 64; /* events are copied out in batches of this */
	struct epoll_event_user *out = kmalloc(cap * sizeof *out);
	if (!out)
		return -ENOMEM;
	f->refs++; /* another thread may close it while this one waits */
	int64_t n = 0;
	for (int w = POLL_AGAIN; w == POLL_AGAIN;) {
		struct epoll *ep = epoll_of(f);
		int got;
		while (n < max && (got = collect(ep, out, max - n < cap ? max - n : cap)) > 0) {
			if (copy_to_user(uevents + n * sizeof *out, out, got * sizeof *out)) {
				n = n ? n : -EFAULT;
				break;
			}
			n += got;
			if (got < cap)
				break;
		}
		if (n)
			break;
		bool may_change = false, pipes = false;
		item_sources(ep, 1, &may_change, &pipes);
		w = poll_wait_more(may_change, pipes, deadline);
		if (w == POLL_FOREVER) {
			kfree(out);
			file_put(f);
			poll_deadlock();
		}
		if (w == POLL_SIGNAL)
			n = -EINTR; /* never restarted, as Linux's */
	}
	kfree(out);
	file_put(f);
	return n;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, uint64_t, events, int, maxevents, int, timeout)
{
	return do_wait(epfd, events, maxevents,
		       timeout < 0 ? POLL_NO_DEADLINE : time_ns() + (uint64_t)timeout * 1000000);
}

/* The mask to wait with (none when usig is 0): -EINVAL for a size other
 * than the kernel's sigset. */
static int with_mask(uint64_t usig, size_t size, uint64_t *mask)
{
	if (!usig)
		return 0;
	if (size != sizeof *mask)
		return -EINVAL;
	return copy_from_user(mask, usig, sizeof *mask) ? -EFAULT : 0;
}

static int64_t wait_masked(int epfd, uint64_t events, int max, uint64_t deadline, uint64_t usig,
			   size_t size)
{
	uint64_t mask;
	int err = with_mask(usig, size, &mask);
	if (err)
		return err;
	if (usig)
		signal_wait_mask(mask);
	int64_t n = do_wait(epfd, events, max, deadline);
	if (usig)
		signal_wait_unmask(n == -EINTR);
	return n;
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, uint64_t, events, int, maxevents, int, timeout, uint64_t,
		sigmask, size_t, sigsetsize)
{
	return wait_masked(epfd, events, maxevents,
			   timeout < 0 ? POLL_NO_DEADLINE : time_ns() + (uint64_t)timeout * 1000000,
			   sigmask, sigsetsize);
}

SYSCALL_DEFINE6(epoll_pwait2, int, epfd, uint64_t, events, int, maxevents, uint64_t, utimeout,
		uint64_t, sigmask, size_t, sigsetsize)
{
	uint64_t deadline = POLL_NO_DEADLINE, ns;
	if (utimeout) {
		struct timespec_user ts;
		if (copy_from_user(&ts, utimeout, sizeof ts))
			return -EFAULT;
		int err = timespec_ns(&ts, 1, &ns);
		if (err)
			return err;
		deadline = deadline_after(ns);
	}
	return wait_masked(epfd, events, maxevents, deadline, sigmask, sigsetsize);
}
