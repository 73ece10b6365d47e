/*
 * The program's exit handlers (its atexit and on_exit), kept here rather
 * than in libc's list. LLVM puts static destructors of its own in that
 * list as its code first runs, on the compiler thread as well, so libc's
 * exit may not run while a compile is under way. Kept apart, the
 * program's handlers run first, as a native exit runs them, and the
 * runtime can end the process without libc's list when a compile is left
 * running at the exit (main.c, rt_exit).
 */
#include <pthread.h>
#include <stdlib.h>

#include "runtime.h"

struct handler {
	void (*plain)(void);		/* atexit's */
	void (*with_status)(int, void *); /* on_exit's */
	void *arg;
};

static struct {
	pthread_mutex_t lock;
	struct handler *h;
	size_t n, cap;
} H = {.lock = PTHREAD_MUTEX_INITIALIZER};

void rt_exit_handlers_hold(bool hold)
{
	if (hold)
		pthread_mutex_lock(&H.lock);
	else
		pthread_mutex_unlock(&H.lock);
}

static int add(struct handler h)
{
	int r = 0;
	pthread_mutex_lock(&H.lock);
	if (H.n == H.cap) {
		size_t cap = H.cap ? 2 * H.cap : 32;
		struct handler *more = realloc(H.h, cap * sizeof *more);
		if (more)
			H.h = more, H.cap = cap;
	}
	if (H.n < H.cap)
		H.h[H.n++] = h;
	else
		r = -1; /* as libc's: nonzero when it cannot be registered */
	pthread_mutex_unlock(&H.lock);
	return r;
}

int rt_atexit(void (*fn)(void))
{
	return add((struct handler){.plain = fn});
}

int rt_on_exit(void (*fn)(int, void *), void *arg)
{
	return add((struct handler){.with_status = fn, .arg = arg});
}

/* Last registered first; a handler may register more (they run too) or
 * call exit, which goes on with the rest. */
void rt_run_exit_handlers(int status)
{
	for (;;) {
		pthread_mutex_lock(&H.lock);
		if (!H.n) {
			pthread_mutex_unlock(&H.lock);
			return;
		}
		struct handler h = H.h[--H.n];
		pthread_mutex_unlock(&H.lock);
		if (h.plain)
			h.plain();
		else
			h.with_status(status, h.arg);
	}
}
