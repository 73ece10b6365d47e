/*
 * The program's threads, counted; and the size of its stacks (below). A
 * process ends when its last thread does: natively, the last one to leave
 * (main calling pthread_exit, then its workers returning) makes libc call
 * exit(0). Here the runtime's own threads (the compiler's) count for libc
 * too and never end, so the program's threads are counted apart and the
 * last one's end is the program's exit, as rt_exit(0).
 *
 * A thread's end is seen by a thread-specific value's destructor, however
 * the thread ends (its function returning, pthread_exit, cancellation).
 * That destructor puts its value back until libc's last round of
 * destructors, so the program's own destructors for the thread have run
 * before the exit, as they have natively.
 */
#include <aio.h>
#include <errno.h>
#include <limits.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <threads.h>
#include <time.h>

#include "runtime.h"

static pthread_key_t ending;
static atomic_long running; /* the program's threads not yet ended */

/* Whether the program has, or had, a second thread: one of its own, or one
 * the C library runs its code on or starts for it (SIGEV_THREAD's for
 * timer_create and mq_notify, aio's), as glibc itself counts them. Until
 * then its character I/O goes without the stream locks (stdio.c), as
 * glibc's does in a process of one thread. Set before the thread starts:
 * the thread setting it is in no stream call then. */
atomic_bool rt_threaded;

static void going_threaded(void)
{
	atomic_store_explicit(&rt_threaded, true, memory_order_release);
}

static void one_less(void)
{
	if (atomic_fetch_sub(&running, 1) == 1)
		rt_exit(0);
}

static __thread unsigned end_round; /* libc's round of destructors, once in them */

unsigned rt_thread_end_round(void)
{
	return end_round;
}

static void ended(void *value)
{
	uintptr_t round = (uintptr_t)value; /* 1 in the first */
	end_round = (unsigned)round;
	if (round < PTHREAD_DESTRUCTOR_ITERATIONS && !pthread_setspecific(ending, (void *)(round + 1)))
		return;
	one_less();
}

bool rt_threads_start(void)
{
	if (pthread_key_create(&ending, ended))
		return false;
	running = 1;
	return !pthread_setspecific(ending, (void *)1);
}

/*
 * A program's recursion that fits its stack when built by a compiler that
 * optimizes may not fit at tier 0, whose code keeps every local variable
 * in the frame and adds its counters: tests/jit/deep_recursion.c's list
 * walk takes 64 bytes a call at tier 0 and 16 at clang -O1, and died by
 * SIGSEGV 200,000 calls deep on Linux's 8 MiB stack, and on BareFlow's,
 * unless its -O3 code came in first. So the program gets STACK_SCALE
 * times the stack: the main thread's limit raised (Linux grows the main
 * stack up to the limit at each fault; BareFlow's kernel grows the stack's
 * area when the limit is raised), up to the hard limit, and libc's default
 * for the threads it starts without a size of their own (one that asks
 * for a size gets that size; and not under RLIMIT_AS, see below). Neither
 * grows past STACK_MAX, nor shrinks.
 * Memory is taken only as the stack is used. The program sees the raised
 * limit in getrlimit, and its children inherit it.
 */
#define STACK_SCALE 4
#define STACK_MAX ((size_t)1 << 30) /* BareFlow's kernel's largest stack */

/* size times STACK_SCALE, at most STACK_MAX, at least size. */
static size_t scaled(size_t size)
{
	return size >= STACK_MAX / STACK_SCALE ? (size > STACK_MAX ? size : STACK_MAX)
					       : size * STACK_SCALE;
}

void rt_stacks_grow(bool verbose)
{
	struct rlimit r;
	if (!getrlimit(RLIMIT_STACK, &r) && r.rlim_cur != RLIM_INFINITY) {
		rlim_t want = scaled(r.rlim_cur), was = r.rlim_cur;
		r.rlim_cur = r.rlim_max != RLIM_INFINITY && r.rlim_max < want ? r.rlim_max : want;
		bool refused = r.rlim_cur > was && setrlimit(RLIMIT_STACK, &r);
		if (refused)
			r.rlim_cur = was;
		if (verbose && r.rlim_cur < want)
			fprintf(stderr,
				"bareflow-rt: the stack's limit is %llu KiB (%s): tier 0's larger "
				"frames may overflow it where the clang build's do not\n",
				(unsigned long long)r.rlim_cur >> 10,
				refused ? "setrlimit refused more" : "its hard limit");
	}
	/* Under a limit on the address space (ulimit -v), where every thread's
	 * whole stack counts, larger ones would let the program start fewer
	 * threads than natively: 35 of 64 under 1.5 GB, where clang's build
	 * started all 64 (and the runtime's own mappings already cost some). */
	struct rlimit as;
	if (!getrlimit(RLIMIT_AS, &as) && as.rlim_cur != RLIM_INFINITY) {
		if (verbose)
			fprintf(stderr, "bareflow-rt: threads' stacks keep their size: the address "
					"space is limited\n");
		return;
	}
	pthread_attr_t attr;
	size_t size;
	if (pthread_getattr_default_np(&attr))
		return;
	if (!pthread_attr_getstacksize(&attr, &size) &&
	    !pthread_attr_setstacksize(&attr, scaled(size)))
		pthread_setattr_default_np(&attr);
	pthread_attr_destroy(&attr);
}

struct start {
	void *(*fn)(void *);
	int (*c11)(void *); /* or a C11 thread's function */
	void *arg;
};

/*
 * The start records. A new thread whose first act was free() got a malloc
 * arena of its own (glibc's: 64 MiB of address space), which a native
 * thread that never allocates does not get: under ulimit -v 1.5 GB the
 * runtime started 55 of 64 threads where clang's build started all 64. So
 * a record comes from a pool, and the new thread gives it back without
 * free; past STARTS threads starting at once, from malloc.
 */
#define STARTS 64
static struct start pool[STARTS];
static atomic_bool taken[STARTS];

static struct start *new_record(void)
{
	for (unsigned k = 0; k < STARTS; k++)
		if (!atomic_load_explicit(&taken[k], memory_order_relaxed) &&
		    !atomic_exchange(&taken[k], true))
			return &pool[k];
	return malloc(sizeof(struct start));
}

static void give_back(struct start *s)
{
	if (s >= pool && s < pool + STARTS)
		atomic_store(&taken[s - pool], false);
	else
		free(s);
}

static void *call(const struct start *s)
{
	/* a C11 thread's int, as libc's thrd_join takes it back */
	return s->c11 ? (void *)(intptr_t)s->c11(s->arg) : s->fn(s->arg);
}

static void *begin(void *arg)
{
	struct start s = *(struct start *)arg;
	give_back(arg);
	if (!pthread_setspecific(ending, (void *)1))
		return call(&s);
	/* no room for the value (libc allocates it for keys past its first
	 * block): its end is seen only when it returns */
	void *r = call(&s);
	one_less();
	return r;
}

static int start(pthread_t *thread, const pthread_attr_t *attr, struct start how)
{
	struct start *s = new_record();
	if (!s)
		return EAGAIN;
	*s = how;
	going_threaded();
	atomic_fetch_add(&running, 1); /* before it starts: it may end first */
	int r = pthread_create(thread, attr, begin, s);
	if (r) {
		atomic_fetch_sub(&running, 1);
		give_back(s);
	}
	return r;
}

int rt_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
		      void *arg)
{
	return start(thread, attr, (struct start){.fn = fn, .arg = arg});
}

int rt_thrd_create(thrd_t *thread, thrd_start_t fn, void *arg)
{
	switch (start(thread, NULL, (struct start){.c11 = fn, .arg = arg})) {
	case 0:
		return thrd_success;
	case ENOMEM:
		return thrd_nomem;
	default:
		return thrd_error;
	}
}

/* Threads libc starts for the program and keeps: SIGEV_THREAD's helpers,
 * one for timer_create's notices and one for mq_notify's, each started by
 * the first such call (before the call can fail otherwise) and living as
 * long as the process. They count as the program's: natively the process
 * no longer ends with its last own thread once one has started (glibc's
 * aio threads, which come and go, are not counted). no_helper: the errno
 * libc gives when the helper could not start. */
static void count_helper(atomic_bool *counted, const struct sigevent *ev, int r, int no_helper)
{
	if (ev && ev->sigev_notify == SIGEV_THREAD && (!r || errno != no_helper) &&
	    !atomic_exchange(counted, true))
		atomic_fetch_add(&running, 1);
}

int rt_timer_create(clockid_t clock, struct sigevent *ev, timer_t *timer)
{
	static atomic_bool counted;
	if (ev && ev->sigev_notify == SIGEV_THREAD)
		going_threaded();
	int r = timer_create(clock, ev, timer);
	count_helper(&counted, ev, r, EAGAIN);
	return r;
}

int rt_mq_notify(mqd_t q, const struct sigevent *ev)
{
	static atomic_bool counted;
	if (ev && ev->sigev_notify == SIGEV_THREAD)
		going_threaded();
	int r = mq_notify(q, ev);
	count_helper(&counted, ev, r, ENOSYS);
	return r;
}

/* aio's requests: glibc serves them on threads of its own (and runs a
 * SIGEV_THREAD notice's function on another). */
#define AIO_REQUEST(name, params, args)                                                            \
	int rt_##name params                                                                       \
	{                                                                                          \
		going_threaded();                                                                  \
		return name args;                                                                  \
	}
AIO_REQUEST(aio_read, (struct aiocb * cb), (cb))
AIO_REQUEST(aio_read64, (struct aiocb64 * cb), (cb))
AIO_REQUEST(aio_write, (struct aiocb * cb), (cb))
AIO_REQUEST(aio_write64, (struct aiocb64 * cb), (cb))
AIO_REQUEST(aio_fsync, (int op, struct aiocb *cb), (op, cb))
AIO_REQUEST(aio_fsync64, (int op, struct aiocb64 *cb), (op, cb))
AIO_REQUEST(lio_listio, (int mode, struct aiocb *const list[], int n, struct sigevent *ev),
	    (mode, list, n, ev))
AIO_REQUEST(lio_listio64, (int mode, struct aiocb64 *const list[], int n, struct sigevent *ev),
	    (mode, list, n, ev))
