/*
 * The compile queue: the tiers' compiles, done by a compiler thread while
 * the program runs on (bareflow-rt --compile-threads). Its contract:
 *
 * - A job runs its compile with the jit lock held (the one user of struct
 *   jit then), then its install with the policy lock held. A job given to
 *   the thread does not make queue_submit wait. Without a compiler thread
 *   (0 asked for, or none could be made) both run at once, on the
 *   submitter's thread; so they do while the thread gets too little of a
 *   CPU, or when too many jobs wait for it already (queue.c).
 * - Compiles run one at a time. The thread takes the most urgent of the
 *   jobs waiting (each one's urgency is asked for as it takes one; the
 *   first submitted of equals); a job compiled on a submitter's thread
 *   runs as soon as it has the jit lock, maybe before jobs the thread has
 *   yet to take. The submitter marks what it asked for as pending, so
 *   that nothing is asked for twice.
 * - The policy lock guards the profile's decisions and version history.
 *   It is never held across a compile, with a compiler thread or without:
 *   a job compiled on the submitter's thread drops it for the compile and
 *   takes it again for the install. So a program thread that takes it (a
 *   probe) waits for an install at most; one that asks for a compile
 *   waits for the jit lock, without the policy lock.
 * - queue_stop drops the jobs not started and waits for those under way
 *   (the thread's, and any a program thread is compiling itself) to be
 *   installed; jobs submitted after it are dropped. Asked not to wait,
 *   it leaves the compiles under way running, the thread's and those of
 *   program threads (the process is to end without them:
 *   queue_hold_policy keeps them from installing).
 */
#ifndef BFRT_PROF_QUEUE_H
#define BFRT_PROF_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct queue_job {
	struct queue_job *next;
	void (*compile)(struct queue_job *); /* jit lock held */
	void (*install)(struct queue_job *); /* policy lock held */
	/* how much it matters that the job is done soon (the greater
	 * first), asked each time the thread takes a job, with the queue's
	 * own lock held and not the policy lock, which it must not take;
	 * NULL: as urgent as any */
	double (*urgency)(struct queue_job *);
	/* told, with the policy lock and the queue's own held, after each
	 * install (on any thread) while the job waits: what was learned then
	 * (a compile's cost, sizes the jit lock hid at its submission) may
	 * change its urgency. It must not take the queue's lock, nor wait for
	 * the jit lock (only try it): a thread compiling here holds the jit
	 * lock and then takes the queue's. NULL: nothing to do */
	void (*reprice)(struct queue_job *);
	bool background; /* set by queue_submit: compiled on the thread */
	/* set by compile: of its time, what it spent waiting for another
	 * machine (the compile server), which says nothing of the share of a
	 * CPU the thread gets */
	uint64_t away_ns;
};

/* Start n compiler threads (0: synchronous; more than 1 is 1, as the JIT has
 * one LLVM context to compile in). False if a thread cannot be made: then
 * compiling stays synchronous, and why is in *why (an errno). With first,
 * the thread asks for a real-time priority (SCHED_FIFO 1), to run before
 * the program whenever it has work: for compiles mostly made on another
 * machine, where the program's one CPU is free only while it waits for
 * them (queue_stats says whether it got it). */
bool queue_start(unsigned n, bool first, int *why);
/* The compiler thread is to run on CPU cpu alone (one kept for it), from
 * its start; before queue_start. Where the CPU cannot be had, it runs as
 * it would have. */
void queue_pin(int cpu);
/* Given queue_pin's CPU, the one the compiler thread last compiled on
 * (-1: none yet, or not pinned). */
int queue_cpu(void);
/* Hand over job (malloc'd; the queue frees it after its install, or when
 * it is dropped). The caller holds the policy lock, and holds it again on
 * return; but it was dropped meanwhile if the job was compiled here, so
 * what the caller read under it before may have changed. */
void queue_submit(struct queue_job *job);

/* The policy lock. */
void queue_lock_policy(void);
void queue_unlock_policy(void);
/* fork's handlers (fork.c): before it, the jit lock (a compile under way
 * ends first), the policy lock and the queue's are taken; after it the
 * parent lets them go, and the child, with neither a compiler thread nor
 * another thread compiling, lets them go and returns the jobs no thread of
 * its will finish (waiting, the compiler thread's, other threads'; linked
 * by next), which it may submit again later (policy lock held, as for
 * queue_submit: they compile on the submitting thread then). */
void queue_fork_prepare(void);
void queue_fork_parent(void);
struct queue_job *queue_fork_child(void);
/* The jit lock, tried by a program thread that wants to ask struct jit a
 * question (false: a compile is under way). */
bool queue_try_jit(void);
void queue_unlock_jit(void);

/* How many times a compiler thread that runs first (queue_start's first:
 * it takes the program's one CPU) began or ended a compile so far: a
 * measure of the program's cycles across a change of it took in some of
 * the compile's. */
unsigned long queue_first_marks(void);
/* Called by a job's compile about to be made here, not on the compile
 * server (gone, or never there): a compiler thread that runs first runs
 * as any thread from now on, or it would stop the program for the whole
 * compile. Nothing on other threads. */
void queue_compiling_here(void);
/* Called by a job's compile on the compiler thread around each wait for
 * the compile server (jit_on_server_wait): a thread that runs first gives
 * the program its CPU back meanwhile (prof_compiler_runs). */
void queue_waits(bool waiting);
/* runs(true) when a compiler thread that runs first starts running a job,
 * runs(false) when it stops (done, or waiting for the compile server);
 * before queue_start. */
void queue_on_first_runs(void (*runs)(bool runs));
/* What the queue did, for --log-tiers. */
struct queue_stats {
	unsigned background, here; /* jobs compiled on the thread, on the submitter's */
	unsigned dropped;	    /* given to the thread, not started by queue_stop */
	unsigned full, low_share;   /* of here: the queue was full; the share was low */
	uint64_t jit_wait_ns;	    /* submitters waited for the jit lock, in all */
	uint64_t exit_wait_ns;	    /* queue_stop waited for compiles under way */
	bool first, first_refused;  /* the thread ran before the program; asked, it could not */
	bool first_dropped;	    /* it stopped: compiles were made here */
	unsigned left_running;	    /* compiles queue_stop left running */
};
void queue_get_stats(struct queue_stats *s);

/* Stop: drop the jobs not started, wait until those under way are
 * installed, and end the thread; or, not wait, leave the compiles under
 * way running, the thread's (not joined) and program threads' (true
 * then). */
bool queue_stop(bool wait);
/* Take the policy lock for good: nothing is installed from now on. */
void queue_hold_policy(void);

#endif
