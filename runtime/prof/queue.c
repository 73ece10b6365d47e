/*
 * The compile queue and its compiler thread (queue.h has the contract).
 * The thread blocks every signal: the program's handlers run on its own
 * threads, never in the middle of a compile.
 *
 * A compile in the background pays only when a CPU is to spare. On a
 * loaded machine the thread takes turns with the program (or others) on
 * one CPU: the compile then crawls while the program runs slow code, and
 * waiting for it would have been quicker (bench/tiers/spec went from 0.35
 * to 0.58 times clang's time on two busy CPUs). So the share of a CPU the
 * thread got is measured, at its start (it spins alongside the program
 * starting, for PROBE_NS or until the first job or the exit, which would
 * otherwise wait for the spin; cut short of PROBE_MIN_NS, it counts for
 * nothing) and over its last compile; below MIN_SHARE, jobs
 * run at once on the submitter's thread, one in PROBE_EVERY still going to
 * the thread to measure anew.
 *
 * The thread starts away from the starting thread's CPU (away_from_here).
 *
 * With a share to spare, a job waits behind the thread's compile (up to
 * WAITING_MAX of them) rather than run at once: the submitter would wait
 * for that compile (one LLVM context) and then for its own, so the new
 * code goes in no later from the queue, and the program runs on meanwhile
 * (bare-metal matmul --cpus 2: its program thread waited 2.5 s for the
 * jit lock, then compiled 1.3 s itself). WAITING_MAX is for a program of
 * many hot functions: at 8, Duktape's interpreter, with 50 compiles asked
 * in a 4 s run, compiled 9-11 of them on its own thread, after waiting
 * 0.7-1.0 s in all for the jit lock; at 32 none, and it ran in 0.886 of
 * the time (5 pairs). The waiting jobs go most urgent first
 * (take_most_urgent), repriced after each install.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "queue.h"
#include "runtime.h"

#define MIN_SHARE 0.6
#define PROBE_EVERY 8
#define PROBE_NS 4000000
#define PROBE_MIN_NS 1000000 /* cut shorter, a probe says too little: the first compile measures */
#define WAITING_MAX 32

static struct {
	pthread_mutex_t lock; /* the fields below */
	pthread_cond_t more;
	pthread_cond_t settled; /* a compile on a program's thread ended */
	unsigned here;		/* compiles under way on programs' threads */
	struct queue_job *head, *tail;
	unsigned waiting; /* jobs from head on */
	bool running;  /* a compiler thread serves the queue */
	bool stopping; /* queue_stop was called */
	bool joined;   /* by then */
	bool busy;     /* the thread has a job, from its take to its install */
	struct queue_job *current; /* that job, until installed */
	struct queue_job *here_jobs; /* those compiled on programs' threads, until installed */
	double share;  /* of a CPU the thread's last compile got */
	bool probed;   /* the thread's first measure of it is in */
	unsigned skipped; /* jobs run at once since the last probe */
	pthread_t thread;
	pthread_mutex_t policy, jit;
	unsigned long hold_probes, hold_nth; /* the test's hold (0: none), read at the start */
	unsigned hold_jobs;		     /* and the jobs it waits to see waiting */
	_Atomic unsigned long probes; /* times the policy lock was taken by probes */
	unsigned long first_probes;   /* when the first job was submitted */
	struct queue_stats stats;
} Q = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .more = PTHREAD_COND_INITIALIZER,
       .settled = PTHREAD_COND_INITIALIZER,
       .policy = PTHREAD_MUTEX_INITIALIZER,
       .jit = PTHREAD_MUTEX_INITIALIZER,
       .share = 1.0};

/* Tests (BAREFLOW_RT_PROBES_IN_COMPILE=k or k,n or k,n,w): the first
 * compile (the n-th), the jit lock held, waits until k probes have taken
 * the policy lock since the first job was submitted and w jobs wait in
 * the compiler thread's queue (none will without one, or once the queue
 * stops: the wait for them ends then), or HOLD_MAX_NS have passed, and
 * says which on stderr. With a compiler thread, jobs then go to it
 * whatever its share of a CPU (to_thread), so that the one held is its. */
#define HOLD_MAX_NS 20000000000ull
static void hold_for_test(void)
{
	static unsigned long compiles; /* the jit lock held */
	if (!Q.hold_nth || ++compiles != Q.hold_nth)
		return;
	unsigned long k = Q.hold_probes, from = Q.first_probes, n = 0;
	unsigned w = 0;
	bool none_to_come = false;
	uint64_t t0 = rt_now_ns();
	struct timespec ms = {0, 1000000};
	for (;;) {
		n = atomic_load(&Q.probes) - from;
		pthread_mutex_lock(&Q.lock);
		w = Q.waiting;
		none_to_come = Q.hold_jobs && (Q.stopping || !Q.running);
		pthread_mutex_unlock(&Q.lock);
		if ((n >= k && w >= Q.hold_jobs) || none_to_come ||
		    rt_now_ns() - t0 >= HOLD_MAX_NS)
			break;
		nanosleep(&ms, NULL);
	}
	char jobs[32] = "";
	if (Q.hold_jobs)
		snprintf(jobs, sizeof jobs, ", %u jobs waited", w);
	fprintf(stderr, "bareflow-rt: %lu probes ran during the %s compile%s%s\n", n,
		Q.hold_nth == 1 ? "first" : "held", jobs,
		n < k || w < Q.hold_jobs ? ", too few: they waited for it" : "");
}

/* The test's hold, from the environment once, before the program runs
 * (which may change its environment). */
static void read_hold(void)
{
	const char *env = getenv("BAREFLOW_RT_PROBES_IN_COMPILE");
	if (!env)
		return;
	char *end;
	Q.hold_probes = strtoul(env, &end, 10);
	Q.hold_nth = *end == ',' ? strtoul(end + 1, &end, 10) : 1;
	Q.hold_jobs = *end == ',' ? (unsigned)strtoul(end + 1, NULL, 10) : 0;
}

static _Atomic unsigned long first_marks;
/* a job waits, or the queue stops: the thread's first measure ends */
static _Atomic bool probe_cut;

unsigned long queue_first_marks(void)
{
	return atomic_load_explicit(&first_marks, memory_order_relaxed);
}

/* A compile on a program's thread runs on a stack of the runtime's own
 * (ownstack.c): the thread's may be a signal handler's alternate stack,
 * or a thread's of 16 KiB. */
static void compile_job(void *job)
{
	((struct queue_job *)job)->compile(job);
}

static void run(struct queue_job *job)
{
	uint64_t t0 = rt_now_ns();
	pthread_mutex_lock(&Q.jit);
	if (!job->background) {
		uint64_t waited = rt_now_ns() - t0;
		pthread_mutex_lock(&Q.lock);
		Q.stats.jit_wait_ns += waited;
		pthread_mutex_unlock(&Q.lock);
	}
	hold_for_test();
	uint64_t began = rt_now_ns(), began_cpu = rt_thread_cpu_ns();
	if (job->background || !rt_on_own_stack(RT_STACK_COMPILE, compile_job, job))
		job->compile(job);
	uint64_t took = rt_now_ns() - began, took_cpu = rt_thread_cpu_ns() - began_cpu;
	pthread_mutex_unlock(&Q.jit);
	took -= job->away_ns < took ? job->away_ns : took; /* the CPU was not asked */
	if (job->background && took) { /* the compile's share, not the wait's */
		pthread_mutex_lock(&Q.lock);
		Q.share = (double)took_cpu / (double)took;
		if (Q.share > 1)
			Q.share = 1;
		pthread_mutex_unlock(&Q.lock);
	}
}

static double urgency(struct queue_job *job)
{
	return job->urgency ? job->urgency(job) : HUGE_VAL;
}

/* Unlink the most urgent waiting job, the first submitted of equals (Q.lock
 * held, a job waiting). */
static struct queue_job *take_most_urgent(void)
{
	struct queue_job *job = Q.head, *before = NULL; /* job's predecessor */
	double most = urgency(job);
	for (struct queue_job *prev = Q.head, *j = prev->next; j; prev = j, j = j->next) {
		double u = urgency(j);
		if (u > most) {
			most = u;
			job = j;
			before = prev;
		}
	}
	if (before)
		before->next = job->next;
	else
		Q.head = job->next;
	if (Q.tail == job)
		Q.tail = before;
	Q.waiting--;
	return job;
}

/* After an install (the policy lock held): the jobs waiting reprice. */
static void reprice_waiting(void)
{
	pthread_mutex_lock(&Q.lock);
	for (struct queue_job *j = Q.head; j; j = j->next)
		if (j->reprice)
			j->reprice(j);
	pthread_mutex_unlock(&Q.lock);
}

static int pin = -1;			 /* queue_pin's CPU */
static _Atomic int compiled_on = -1; /* queue_cpu's */

/* Whether this thread is the compiler thread and runs first. */
static __thread bool running_first;

/* Told when a thread that runs first starts and stops running (NULL:
 * nobody). */
static void (*first_runs)(bool runs);

void queue_on_first_runs(void (*runs)(bool runs))
{
	first_runs = runs;
}

static void runs_first(bool runs)
{
	if (running_first && first_runs)
		first_runs(runs);
}

void queue_waits(bool waiting)
{
	runs_first(!waiting);
}

void queue_compiling_here(void)
{
	if (!running_first)
		return;
	runs_first(false); /* from now on, its time is its own */
	struct sched_param p = {.sched_priority = 0};
	pthread_setschedparam(pthread_self(), SCHED_OTHER, &p);
	running_first = false;
	pthread_mutex_lock(&Q.lock);
	Q.stats.first_dropped = true;
	pthread_mutex_unlock(&Q.lock);
}

/* arg: non-NULL when the thread runs first (SCHED_FIFO, from its start):
 * its share of the CPU is whole then, and needs no measure. */
static void *serve(void *arg)
{
	running_first = arg != NULL;
	if (arg) {
		pthread_mutex_lock(&Q.lock);
		Q.share = 1;
		Q.probed = true;
		pthread_mutex_unlock(&Q.lock);
	} else {
		uint64_t wall = rt_now_ns(), cpu = rt_thread_cpu_ns(), spun;
		while ((spun = rt_now_ns() - wall) < PROBE_NS &&
		       !atomic_load_explicit(&probe_cut, memory_order_relaxed))
			;
		double share = spun >= PROBE_MIN_NS
				   ? (double)(rt_thread_cpu_ns() - cpu) / (double)spun
				   : 1;
		pthread_mutex_lock(&Q.lock);
		Q.share = share > 1 ? 1 : share;
		Q.probed = true;
		pthread_mutex_unlock(&Q.lock);
	}
	for (;;) {
		pthread_mutex_lock(&Q.lock);
		while (!Q.head && !Q.stopping)
			pthread_cond_wait(&Q.more, &Q.lock);
		if (Q.stopping) {
			pthread_mutex_unlock(&Q.lock);
			return NULL;
		}
		struct queue_job *job = take_most_urgent();
		Q.busy = true;
		Q.current = job;
		pthread_mutex_unlock(&Q.lock);
		if (pin >= 0)
			atomic_store_explicit(&compiled_on, sched_getcpu(), memory_order_relaxed);

		bool first = running_first;
		if (first) {
			atomic_fetch_add_explicit(&first_marks, 1, memory_order_relaxed);
			runs_first(true);
		}
		run(job);
		pthread_mutex_lock(&Q.policy);
		job->install(job);
		reprice_waiting();
		pthread_mutex_lock(&Q.lock);
		Q.current = NULL; /* before the policy lock goes: a fork's child has it or not */
		pthread_mutex_unlock(&Q.lock);
		pthread_mutex_unlock(&Q.policy);
		free(job);
		pthread_mutex_lock(&Q.lock);
		Q.busy = false;
		pthread_mutex_unlock(&Q.lock);
		if (first) {
			runs_first(false); /* unless it was made here after all */
			atomic_fetch_add_explicit(&first_marks, 1, memory_order_relaxed);
		}
	}
}

/* The compiler thread runs on any CPU the program may use but the one
 * the starting thread is on: the scheduler may otherwise place it, woken,
 * on the CPU of the thread that woke it and leave it there, the two
 * sharing one CPU for a whole compile while another idles (hosted on two
 * CPUs: a half share for 20-50 ms compiles, a quarter of them). With one
 * CPU allowed, or where it cannot be told, anywhere. */
static void away_from_here(pthread_attr_t *attr)
{
	cpu_set_t set;
	int here = sched_getcpu();
	if (here < 0 || sched_getaffinity(0, sizeof set, &set) || CPU_COUNT(&set) < 2 ||
	    !CPU_ISSET(here, &set))
		return;
	CPU_CLR(here, &set);
	pthread_attr_setaffinity_np(attr, sizeof set, &set);
}

void queue_pin(int cpu)
{
	pin = cpu;
}

int queue_cpu(void)
{
	return atomic_load_explicit(&compiled_on, memory_order_relaxed);
}

/* On queue_pin's CPU alone, if one was given. */
static bool pinned(pthread_attr_t *attr)
{
	cpu_set_t set;
	if (pin < 0 || pin >= CPU_SETSIZE)
		return false;
	CPU_ZERO(&set);
	CPU_SET(pin, &set);
	return !pthread_attr_setaffinity_np(attr, sizeof set, &set);
}

bool queue_start(unsigned n, bool first, int *why)
{
	pthread_attr_t attr;
	sigset_t all, old;
	read_hold();
	if (!n)
		return true;
	if (getenv("BAREFLOW_RT_THREADS_FAIL")) { /* tests: as bare-metal without threads */
		*why = ENOSYS;
		return false;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread inherits it */
	/* away from here; if the CPUs allowed changed meanwhile (EINVAL),
	 * anywhere; first, with SCHED_FIFO 1 from its start, or, refused it
	 * (EPERM), as any thread */
	bool fifo = first;
	for (int away = 1; away >= 0;) {
		struct sched_param p = {.sched_priority = 1};
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, RT_COMPILE_STACK);
		if (away && !pinned(&attr))
			away_from_here(&attr);
		if (fifo) {
			pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
			pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
			pthread_attr_setschedparam(&attr, &p);
		}
		*why = pthread_create(&Q.thread, &attr, serve, fifo ? &Q : NULL);
		pthread_attr_destroy(&attr);
		if (*why == EPERM && fifo) {
			fifo = false;
			continue;
		}
		if (*why != EINVAL)
			break;
		away--;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	Q.running = *why == 0;
	Q.stats.first = Q.running && fifo;
	Q.stats.first_refused = first && !fifo;
	return Q.running;
}

/* Whether job goes to the thread (Q.lock held): not while the thread gets
 * too little of a CPU, nor when WAITING_MAX jobs wait already. */
static bool to_thread(void)
{
	if (!Q.running)
		return false;
	if (Q.waiting >= WAITING_MAX) {
		Q.stats.full++;
		return false;
	}
	if (Q.share >= MIN_SHARE || ++Q.skipped % PROBE_EVERY == 0 || Q.hold_nth)
		return true;
	Q.stats.low_share++;
	return false;
}

void queue_submit(struct queue_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&Q.lock);
	if (Q.stopping) {
		pthread_mutex_unlock(&Q.lock);
		free(job);
		return;
	}
	if (!Q.stats.background && !Q.stats.here)
		Q.first_probes = atomic_load(&Q.probes);
	job->background = to_thread();
	if (job->background)
		Q.stats.background++;
	else
		Q.stats.here++;
	if (job->background) {
		if (Q.tail)
			Q.tail->next = job;
		else
			Q.head = job;
		Q.tail = job;
		Q.waiting++;
		atomic_store_explicit(&probe_cut, true, memory_order_relaxed);
		pthread_cond_signal(&Q.more);
		pthread_mutex_unlock(&Q.lock);
		return;
	}
	Q.here++;
	job->next = Q.here_jobs;
	Q.here_jobs = job;
	pthread_mutex_unlock(&Q.lock);
	/* the caller's decision is published (its functions pending): the
	 * policy lock is free while this thread compiles, so that another's
	 * probes wait for an install at most */
	pthread_mutex_unlock(&Q.policy);
	run(job);
	pthread_mutex_lock(&Q.policy);
	job->install(job);
	reprice_waiting();
	pthread_mutex_lock(&Q.lock);
	for (struct queue_job **p = &Q.here_jobs; *p; p = &(*p)->next)
		if (*p == job) {
			*p = job->next;
			break;
		}
	if (--Q.here == 0)
		pthread_cond_broadcast(&Q.settled);
	pthread_mutex_unlock(&Q.lock);
	free(job);
}

void queue_lock_policy(void)
{
	pthread_mutex_lock(&Q.policy);
	atomic_fetch_add_explicit(&Q.probes, 1, memory_order_relaxed);
}

void queue_unlock_policy(void)
{
	pthread_mutex_unlock(&Q.policy);
}

void queue_fork_prepare(void)
{
	pthread_mutex_lock(&Q.jit);
	pthread_mutex_lock(&Q.policy);
	pthread_mutex_lock(&Q.lock);
}

void queue_fork_parent(void)
{
	pthread_mutex_unlock(&Q.lock);
	pthread_mutex_unlock(&Q.policy);
	pthread_mutex_unlock(&Q.jit);
}

struct queue_job *queue_fork_child(void)
{
	/* the jobs no thread of the child will finish: those waiting, the
	 * compiler thread's, and other threads' compiled here */
	struct queue_job *orphans = Q.head, **end = &orphans;
	while (*end)
		end = &(*end)->next;
	if (Q.current) {
		Q.current->next = NULL;
		*end = Q.current;
		end = &Q.current->next;
	}
	*end = Q.here_jobs;
	Q.head = Q.tail = Q.current = Q.here_jobs = NULL;
	Q.waiting = 0;
	Q.running = false;
	Q.busy = false;
	Q.here = 0;
	pthread_mutex_unlock(&Q.lock);
	pthread_mutex_unlock(&Q.policy);
	pthread_mutex_unlock(&Q.jit);
	return orphans;
}

bool queue_try_jit(void)
{
	return pthread_mutex_trylock(&Q.jit) == 0;
}

void queue_unlock_jit(void)
{
	pthread_mutex_unlock(&Q.jit);
}

bool queue_stop(bool wait)
{
	uint64_t t0 = rt_now_ns();
	pthread_mutex_lock(&Q.lock);
	Q.stopping = true;
	atomic_store_explicit(&probe_cut, true, memory_order_relaxed);
	while (Q.head) {
		struct queue_job *job = Q.head;
		Q.head = job->next;
		free(job);
		Q.stats.background--;
		Q.stats.dropped++;
	}
	Q.tail = NULL;
	Q.waiting = 0;
	pthread_cond_signal(&Q.more);
	/* a compile another program thread is making: waited for, as LLVM's
	 * static destructors must not run under it, or left running as the
	 * compiler thread's (and the thread making it: the policy lock it
	 * takes next is held for good) */
	while (wait && Q.here)
		pthread_cond_wait(&Q.settled, &Q.lock);
	unsigned under_way = (Q.running && !Q.joined && Q.busy) + Q.here;
	bool leave = !wait && under_way;
	bool join = Q.running && !Q.joined && !leave; /* two threads may exit at once */
	if (join)
		Q.joined = true;
	if (leave)
		Q.stats.left_running = under_way;
	pthread_mutex_unlock(&Q.lock);
	if (join)
		pthread_join(Q.thread, NULL);
	pthread_mutex_lock(&Q.lock);
	Q.stats.exit_wait_ns += rt_now_ns() - t0;
	pthread_mutex_unlock(&Q.lock);
	return leave;
}

void queue_hold_policy(void)
{
	pthread_mutex_lock(&Q.policy);
}

void queue_get_stats(struct queue_stats *s)
{
	pthread_mutex_lock(&Q.lock);
	*s = Q.stats;
	pthread_mutex_unlock(&Q.lock);
}
