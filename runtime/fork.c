/*
 * fork for JIT code. The child is a copy of the process with the forking
 * thread alone: the compiler thread, and any other thread, are not in it.
 * So the child compiles on its own threads, as with --compile-threads 0:
 * the jobs the parent's threads had not installed (waiting, or compiled
 * but not in) are compiled, or installed, at the child's first entry into
 * the runtime, the next call or loop of one of their functions
 * (prof_forked). Its exit writes neither the code cache nor --report's or
 * --profile's figures, which are the parent's; its --perf-map is a file
 * of its own (codemap_forked). The fork waits for a compile under way
 * (the jit lock), so that no lock the child takes, and none of LLVM's
 * state, is copied half-changed; then for the policy's and the queue's
 * locks, and the exit handlers' list's, which the parent's other threads
 * take. It takes them as the probes do, with signals from outside blocked
 * (a handler running JIT code would take them again), until the locks are
 * let go after the fork. rt_exit's lock, which a thread ending the process
 * holds for good, is new in the child. vfork is fork here (POSIX allows it):
 * a vfork child shares the parent's memory, whose profile its probes
 * would change while the parent waits. Bare-metal the kernel makes no new
 * process: fork fails with ENOSYS.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

#include "codemap.h"
#include "prof/prof.h"
#include "prof/queue.h"
#include "runtime.h"

static bool forked;
static sigset_t mask; /* the forking thread's, under the jit lock from prepare on */

static void prepare(void)
{
	sigset_t old;
	prof_block_outside_signals(&old);
	rt_exit_handlers_hold(true);
	queue_fork_prepare();
	mask = old;
}

static void parent(void)
{
	sigset_t old = mask;
	queue_fork_parent();
	rt_exit_handlers_hold(false);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void child(void)
{
	sigset_t old = mask;
	forked = true;
	rt_exit_forked();
	prof_forked(queue_fork_child());
	rt_exit_handlers_hold(false);
	codemap_forked();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int rt_fork_init(void)
{
	return pthread_atfork(prepare, parent, child);
}

bool rt_forked(void)
{
	return forked;
}

pid_t rt_vfork(void)
{
	return fork();
}
