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
#include "kstring.h"
#include "ksignal.h"
#include "layout.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
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
	uint32_t in_seen, out_seen; /* its file's wake-ups (item_wakes) at the last look */
	unsigned last;		    /* readiness at the last look */
	bool armed;		    /* added or modified since the last look */
	uint8_t sides;		    /* SIDE_IN, SIDE_OUT: the directions it was asked for */
	struct epoll *owner;
	struct epitem *next;  /* in owner->items */
	struct epitem *fnext; /* in file->epitems */
};

/* The walks over epolls within epolls visit each epoll once per walk: a
 * walk takes a new number (walk_gen), and an epoll's results are kept
 * with the number of the walk that made them. */
#define SIDE_IN 1
#define SIDE_OUT 2

/* An epoll's wake-ups (for an EPOLLET item on it in another epoll) are a
 * signature that only grows: changes, plus each item's contribution (its
 * file's wake-ups in the directions it was asked for), kept from going
 * down when an item goes or changes its directions. */
struct epoll {
	struct epitem *items; /* in the order they are looked at */
	struct file *file;    /* its own open file (anon_fd's) */
	uint32_t changes;     /* epoll_ctl's changes, and what gone items gave */
	uint64_t ready_walk, sig_walk, src_walk, depth_walk, paths_walk;
	bool ready;
	uint32_t sig;
	int below, above;
	uint64_t paths[EPOLL_NESTS + 1]; /* paths up to an epoll held by none, by length */
};

static uint64_t walk_gen;

extern const struct dev_ops epoll_ops;

static struct epoll *epoll_of(const struct file *f)
{
	return f->inode->dev == &epoll_ops ? f->inode->priv : NULL;
}

static bool ep_ready(struct epoll *ep, int depth);
static uint32_t ep_sig(struct epoll *ep, int depth);

/* Its file's wake-ups for readers and for writers; an epoll's are its own
 * epoll_ctl changes and its items' files' wake-ups (ep_sig). */
static void item_wakes(const struct epitem *it, int depth, uint32_t *in, uint32_t *out)
{
	struct epoll *inner = epoll_of(it->file);
	*in = inner ? ep_sig(inner, depth + 1) : it->file->inode->wakes_in;
	*out = inner ? 0 : it->file->inode->wakes_out;
}

static unsigned ready_of(struct file *f, int depth)
{
	struct epoll *ep = epoll_of(f);
	if (!ep)
		return file_poll(f);
	return ep_ready(ep, depth + 1) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* What the item would report now (0: nothing); its file's readiness in
 * *now. With EPOLLET, only if its file woke for it since the last look. */
static unsigned item_ready(struct epitem *it, int depth, unsigned *now)
{
	uint32_t want = it->events & ~EPOLL_PRIVATE, in, out;
	*now = ready_of(it->file, depth);
	unsigned r = *now & want;
	if (!(it->events & EPOLLET) || !r || it->armed || (r & ~it->last))
		return r;
	item_wakes(it, depth, &in, &out);
	bool woke = ((want & EPOLL_IN_SIDE) && in != it->in_seen) ||
		    ((want & EPOLL_OUT_SIDE) && out != it->out_seen);
	return woke ? r : 0;
}

/* Some item would be reported (poll of an epoll file: EPOLLIN). */
static bool ep_ready(struct epoll *ep, int depth)
{
	if (ep->ready_walk == walk_gen || depth > EPOLL_NESTS + 1)
		return ep->ready_walk == walk_gen && ep->ready;
	ep->ready_walk = walk_gen;
	ep->ready = false;
	unsigned now;
	for (struct epitem *it = ep->items; it && !ep->ready; it = it->next)
		ep->ready = item_ready(it, depth, &now) != 0;
	return ep->ready;
}

static uint32_t contribution(const struct epitem *it, int depth)
{
	uint32_t in, out;
	item_wakes(it, depth, &in, &out);
	return (it->sides & SIDE_IN ? in : 0) + (it->sides & SIDE_OUT ? out : 0);
}

static uint32_t ep_sig(struct epoll *ep, int depth)
{
	if (ep->sig_walk == walk_gen || depth > EPOLL_NESTS + 1)
		return ep->sig;
	ep->sig_walk = walk_gen;
	uint32_t sig = ep->changes;
	for (struct epitem *it = ep->items; it; it = it->next)
		sig += contribution(it, depth);
	return ep->sig = sig;
}

static unsigned ep_poll(struct file *f)
{
	walk_gen++;
	return ep_ready(f->inode->priv, 0) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* What could make an item ready (poll_sources_add of each file). */
static void item_sources(struct epoll *ep, int depth, struct poll_sources *src)
{
	if (ep->src_walk == walk_gen || depth > EPOLL_NESTS + 1)
		return;
	ep->src_walk = walk_gen;
	for (struct epitem *it = ep->items; it; it = it->next) {
		struct epoll *inner = epoll_of(it->file);
		if (inner)
			item_sources(inner, depth + 1, src);
		else if (it->events & ~EPOLL_PRIVATE) /* not a spent one-shot item */
			poll_sources_add(src, it->file);
	}
}

/* An epoll file's sources (item_sources), for poll and select on it. */
static struct poll_sources ep_sources(struct file *f)
{
	struct poll_sources src = POLL_SOURCES_NONE;
	walk_gen++;
	item_sources(f->inode->priv, 1, &src);
	return src;
}

static bool ep_may_change(struct file *f)
{
	return ep_sources(f).may_change;
}

static uint64_t ep_wake_at(struct file *f)
{
	return ep_sources(f).wake;
}

static uint64_t ep_signals(struct file *f)
{
	return ep_sources(f).signals;
}

/* Take the item out of both its lists and free it. */
static void item_free(struct epitem *it)
{
	struct epitem **pp;
	walk_gen++;
	it->owner->changes += contribution(it, 0);
	for (pp = &it->owner->items; *pp != it; pp = &(*pp)->next)
		;
	*pp = it->next;
	for (pp = &it->file->epitems; *pp != it; pp = &(*pp)->fnext)
		;
	*pp = it->fnext;
	kfree(it);
}

static void ep_release(struct file *f)
{
	struct epoll *ep = f->inode->priv;
	while (ep->items)
		item_free(ep->items);
	kfree(ep);
	f->inode->priv = NULL;
}

/* No read or write (EINVAL) and no mmap (ENODEV), as Linux's. */
const struct dev_ops epoll_ops = {
    .anon = "eventpoll",
    .poll = ep_poll,
    .open = anon_open,
    .release = ep_release,
    .may_change = ep_may_change,
    .wake_at = ep_wake_at,
    .signals = ep_signals,
    .pollers = true, /* its items' pipes and eventfds, and epoll_ctl, wake poll */
};

void epoll_forget(struct file *f)
{
	while (f->epitems)
		item_free(f->epitems);
}

static int create(int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	struct epoll *ep = kzalloc(sizeof *ep);
	if (!ep)
		return -ENOMEM;
	int fd = anon_fd(&epoll_ops, ep, O_RDWR, flags & O_CLOEXEC);
	if (fd >= 0)
		ep->file = fd_get(fd);
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

/* How many epolls deep ep goes (1: none among its items), and whether
 * `target` is among them. */
static int depth_below(struct epoll *ep, struct epoll *target, bool *found, int depth)
{
	if (ep->depth_walk == walk_gen && ep->below)
		return ep->below;
	ep->depth_walk = walk_gen;
	ep->below = 1;
	if (depth > EPOLL_NESTS + 1)
		return ep->below;
	int deepest = 1;
	for (struct epitem *it = ep->items; it; it = it->next) {
		struct epoll *inner = epoll_of(it->file);
		if (!inner)
			continue;
		*found |= inner == target;
		int d = 1 + depth_below(inner, target, found, depth + 1);
		deepest = d > deepest ? d : deepest;
	}
	return ep->below = deepest;
}

/* How many epolls hold ep, one in another (the longest chain above it). */
static int depth_above(struct epoll *ep, int depth)
{
	if (ep->paths_walk == walk_gen)
		return ep->above;
	ep->paths_walk = walk_gen;
	ep->above = 0;
	if (depth > EPOLL_NESTS + 1)
		return 0;
	for (struct epitem *it = ep->file->epitems; it; it = it->fnext) {
		int d = 1 + depth_above(it->owner, depth + 1);
		ep->above = d > ep->above ? d : ep->above;
	}
	return ep->above;
}

/* Adding target (an epoll) to ep would make a loop, or a chain of more
 * than five epolls: ELOOP, as Linux. */
static int loop_check(struct epoll *ep, struct epoll *target)
{
	bool found = target == ep;
	walk_gen++;
	int below = depth_below(target, ep, &found, 0);
	walk_gen++;
	if (found || below + depth_above(ep, 0) > EPOLL_NESTS)
		return -ELOOP;
	return 0;
}

/* Linux's limits on the wake-up paths from one file up through epolls
 * within epolls, by length (a path of 0 ends at an epoll no other holds:
 * as many as wanted). */
static const uint64_t path_limits[EPOLL_NESTS + 1] = {~0ull, 500, 100, 50, 10};

/* a + b, at most 2^40: counts past every limit stay past it */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t cap = 1ull << 40;
	a = a < cap ? a : cap;
	b = b < cap ? b : cap;
	return a + b < cap ? a + b : cap;
}

static uint64_t *paths_up(struct epoll *ep, int depth)
{
	if (ep->paths_walk == walk_gen)
		return ep->paths;
	ep->paths_walk = walk_gen;
	memset(ep->paths, 0, sizeof ep->paths);
	if (!ep->file->epitems)
		ep->paths[0] = 1;
	for (struct epitem *it = ep->file->epitems; it && depth <= EPOLL_NESTS; it = it->fnext) {
		uint64_t *up = paths_up(it->owner, depth + 1);
		for (int k = 1; k <= EPOLL_NESTS; k++)
			ep->paths[k] = sat_add(ep->paths[k], up[k - 1]);
	}
	return ep->paths;
}

/* Too many paths from f up (EINVAL, as Linux's reverse path check). */
static bool paths_exceeded(struct file *f)
{
	uint64_t count[EPOLL_NESTS + 1] = {0};
	for (struct epitem *it = f->epitems; it; it = it->fnext) {
		uint64_t *up = paths_up(it->owner, 0);
		for (int k = 0; k <= EPOLL_NESTS; k++)
			count[k] = sat_add(count[k], up[k]);
	}
	for (int k = 1; k <= EPOLL_NESTS; k++)
		if (count[k] > path_limits[k])
			return true;
	return false;
}

/* The same for every file that is not an epoll at or below tf. */
static bool paths_check(struct file *tf, int depth)
{
	struct epoll *inner = epoll_of(tf);
	if (!inner)
		return paths_exceeded(tf);
	if (inner->src_walk == walk_gen || depth > EPOLL_NESTS + 1)
		return false;
	inner->src_walk = walk_gen;
	for (struct epitem *it = inner->items; it; it = it->next)
		if (paths_check(it->file, depth + 1))
			return true;
	return false;
}

static bool sleeps_unwaitable(const struct file *f)
{
	const struct inode *ip = f->inode;
	uint32_t type = ip->mode & S_IFMT;
	if (ip->pipe || ip->mq)
		return false;
	if (ip->dev) /* a device or a generated file: as it has a poll or not */
		return !ip->dev->poll;
	return type == S_IFREG || type == S_IFDIR;
}

/* Linux's checks, in its order: the event is read first (not for DEL),
 * then both descriptors (an O_PATH one is none), whether the target can be
 * waited on (EPERM for a regular file or directory, and for devices and
 * /proc files without a poll), then what epfd is. */
SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, uint64_t, uevent)
{
	struct epoll_event_user ev = {0, 0};
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uevent, sizeof ev))
		return -EFAULT;
	struct file *ef = fd_get(epfd), *tf = fd_get(fd);
	if (!ef || ef->flags & O_PATH || !tf || tf->flags & O_PATH)
		return -EBADF;
	if (sleeps_unwaitable(tf))
		return -EPERM;
	struct epoll *ep = epoll_of(ef);
	if (ef == tf || !ep)
		return -EINVAL;
	ev.events &= ~EPOLLWAKEUP; /* without CAP_BLOCK_SUSPEND, dropped as Linux does */
	if (op != EPOLL_CTL_DEL && ev.events & EPOLLEXCLUSIVE &&
	    (op == EPOLL_CTL_MOD ||
	     (op == EPOLL_CTL_ADD && (epoll_of(tf) || ev.events & ~EPOLL_EXCLUSIVE_OK))))
		return -EINVAL;
	if (op == EPOLL_CTL_ADD && epoll_of(tf)) {
		int err = loop_check(ep, epoll_of(tf));
		if (err)
			return err;
	}
	struct epitem *it;
	for (it = ep->items; it && !(it->file == tf && it->fd == fd); it = it->next)
		;
	switch (op) {
	case EPOLL_CTL_ADD: {
		if (it)
			return -EEXIST;
		it = kzalloc(sizeof *it);
		if (!it)
			return -ENOMEM;
		struct epitem **end;
		for (end = &ep->items; *end; end = &(*end)->next)
			;
		*end = it;
		it->file = tf;
		it->fd = fd;
		it->owner = ep;
		it->fnext = tf->epitems;
		tf->epitems = it;
		/* the paths through epolls held by others, checked with the
		 * new item in place, as Linux */
		walk_gen++;
		if ((ep->file->epitems || epoll_of(tf)) && paths_check(tf, 0)) {
			item_free(it);
			return -EINVAL;
		}
		break;
	}
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		item_free(it);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		walk_gen++;
		ep->changes += contribution(it, 0);
		break;
	default:
		return -EINVAL;
	}
	it->sides = (ev.events & EPOLL_IN_SIDE ? SIDE_IN : 0) | (ev.events & EPOLL_OUT_SIDE ? SIDE_OUT : 0);
	if (op == EPOLL_CTL_MOD) {
		walk_gen++;
		ep->changes -= contribution(it, 0);
	}
	it->events = ev.events | EPOLLERR | EPOLLHUP;
	it->data = ev.data;
	it->armed = true;
	unsigned now;
	walk_gen++;
	if (item_ready(it, 0, &now))
		ep->changes++; /* a wake-up of the epoll's own, as Linux's, only when ready */
	pipe_poll_wake(); /* a thread in epoll_wait, or in poll on it, looks again */
	return 0;
}

/* One look: the ready items into uevents, up to max, each copied out and
 * then consumed as its mode says and moved to the end of the list (one
 * that cannot be copied stays as it was). Returns how many, or -EFAULT if
 * the first could not be copied. */
static int64_t collect(struct epoll *ep, uint64_t uevents, int max)
{
	int64_t n = 0;
	struct epitem *done = NULL, **done_end = &done;
	walk_gen++;
	for (struct epitem **pp = &ep->items; *pp && n < max;) {
		struct epitem *it = *pp;
		unsigned now, r = item_ready(it, 0, &now);
		if (r) {
			struct epoll_event_user ev = {r, it->data};
			if (copy_to_user(uevents + n * sizeof ev, &ev, sizeof ev)) {
				n = n ? n : -EFAULT;
				break;
			}
			n++;
		}
		it->last = now;
		item_wakes(it, 0, &it->in_seen, &it->out_seen);
		it->armed = false;
		if (!r) {
			pp = &it->next;
			continue;
		}
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
	if (uevents >= USER_TOP || (uint64_t)max * sizeof(struct epoll_event_user) > USER_TOP - uevents)
		return -EFAULT; /* Linux's access_ok, before anything else is looked at */
	struct file *f = fd_get(epfd);
	if (!f || f->flags & O_PATH)
		return -EBADF;
	if (!epoll_of(f))
		return -EINVAL;
	f->refs++; /* another thread may close it while this one waits */
	int64_t n;
	/* after the deadline, one more look, as Linux's */
	for (int w = POLL_AGAIN;;) {
		struct epoll *ep = epoll_of(f);
		n = collect(ep, uevents, max);
		if (n || w == POLL_DONE)
			break;
		struct poll_sources src = POLL_SOURCES_NONE;
		src.pipes = current_proc()->nthreads > 1; /* another's epoll_ctl too */
		walk_gen++;
		item_sources(ep, 1, &src);
		w = poll_wait(&src, deadline);
		if (w == POLL_FOREVER) {
			file_put(f);
			poll_deadlock();
		}
		if (w == POLL_SIGNAL) {
			n = -EINTR; /* never restarted, as Linux's */
			break;
		}
	}
	file_put(f);
	return n;
}

/* A timeout in milliseconds as a deadline: 0 looks once, without a look
 * at signals, as Linux's. */
static uint64_t deadline_ms(int timeout)
{
	if (timeout < 0)
		return POLL_NO_DEADLINE;
	return timeout ? time_ns() + (uint64_t)timeout * 1000000 : 0;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, uint64_t, events, int, maxevents, int, timeout)
{
	return do_wait(epfd, events, maxevents, deadline_ms(timeout));
}

static int64_t wait_masked(int epfd, uint64_t events, int max, uint64_t deadline, uint64_t usig,
			   size_t size)
{
	uint64_t mask;
	int err = poll_sigmask(usig, size, &mask);
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
			   deadline_ms(timeout),
			   sigmask, sigsetsize);
}

SYSCALL_DEFINE6(epoll_pwait2, int, epfd, uint64_t, events, int, maxevents, uint64_t, utimeout,
		uint64_t, sigmask, size_t, sigsetsize)
{
	uint64_t deadline;
	bool zero;
	int err = poll_deadline(utimeout, false, &deadline, &zero);
	if (err)
		return err;
	return wait_masked(epfd, events, maxevents, zero ? 0 : deadline, sigmask, sigsetsize);
}
