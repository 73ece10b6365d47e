/*
 * Work of the runtime's on a stack of its own, not the stack of the
 * program's thread that reached the runtime: that may be small, a signal
 * handler's alternate stack (glibc's SIGSTKSZ) or a thread's of 16 KiB.
 * LLVM recurses deeply, and glibc's fprintf to unbuffered stderr puts an
 * 8 KiB buffer on the stack: a compile on one CPU corrupted the heap below
 * a handler's 16 KiB alternate stack (SIGABRT), a thread of 16 KiB died by
 * SIGSEGV in a compile, and another by SIGSEGV in --report's table at its
 * exit(7).
 *
 * Each use has a stack (RT_COMPILE_STACK, demand-zero, a guard of 64 KiB
 * below it), mapped at its first call and kept; its caller keeps every
 * other call off it while in use (compiles take the jit lock; the end of
 * the run comes once). A handler that runs meanwhile (a fault's; during a
 * compile, outside signals wait) would, were the thread on its alternate
 * stack, start again at that stack's top, over the frames of the handler
 * still running there: the alternate stack is off while the work runs,
 * and such a handler runs below it on this one.
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "runtime.h"

#define GUARD (64u << 10)
#define SIZE (GUARD + RT_COMPILE_STACK)

static struct own {
	char *base; /* the guard, then the stack */
	ucontext_t there, back;
	void (*fn)(void *);
	void *arg;
	bool on_alternate; /* the thread was on its alternate stack */
} own[RT_STACKS];

static _Thread_local struct own *running; /* makecontext passes no pointer */

static void there(void)
{
	struct own *o = running;
	stack_t off = {.ss_flags = SS_DISABLE}, was;
	bool off_now = o->on_alternate && !sigaltstack(&off, &was);
	o->fn(o->arg);
	if (off_now)
		sigaltstack(&was, NULL);
}

/* A stack with its guard, or NULL. */
static char *map_stack(void)
{
	void *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, GUARD, PROT_NONE)) {
		munmap(p, SIZE);
		return NULL;
	}
	return p;
}

bool rt_on_own_stack(enum rt_stack which, void (*fn)(void *), void *arg)
{
	struct own *o = &own[which];
	if (!o->base)
		o->base = map_stack();
	if (!o->base || getcontext(&o->there))
		return false;
	stack_t alt;
	o->on_alternate = !sigaltstack(NULL, &alt) && (alt.ss_flags & SS_ONSTACK);
	o->there.uc_stack.ss_sp = o->base;
	o->there.uc_stack.ss_size = SIZE;
	o->there.uc_link = &o->back; /* where there()'s return goes */
	o->fn = fn;
	o->arg = arg;
	running = o;
	makecontext(&o->there, there, 0);
	return !swapcontext(&o->back, &o->there);
}
