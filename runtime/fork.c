/*
 * fork for JIT code. The child is a copy of the process with the forking
 * thread alone: the compiler thread, and any program thread compiling, are
 * not in it. So the child compiles nothing: its code is what the parent's
 * was at the fork, its probes find the profile frozen (as at the exit) and
 * stop asking, and its exit writes neither the code cache nor --report's
 * or --profile's figures, which are the parent's. The fork waits for a
 * compile under way (the jit lock), so that no lock the child may still
 * take, and none of LLVM's state, is copied half-changed; then for the
 * policy's and the queue's locks, which the parent's other threads take.
 * vfork is fork here (POSIX allows it): a vfork child shares the parent's
 * memory, whose profile its probes would change while the parent waits.
 * Bare-metal the kernel makes no new process: fork fails with ENOSYS.
 */
#include <stdbool.h>
#include <pthread.h>
#include <unistd.h>

#include "prof/prof.h"
#include "prof/queue.h"
#include "runtime.h"

static bool forked;

static void prepare(void)
{
	queue_fork_prepare();
}

static void parent(void)
{
	queue_fork_parent();
}

static void child(void)
{
	forked = true;
	queue_fork_child();
	prof_forked();
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
