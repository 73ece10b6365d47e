/*
 * Threads on CPUs (sched.c): per-CPU run queues, time slices from the LAPIC
 * timer, sleeping and waking, and the kernel lock.
 *
 * The kernel lock: the program's threads run the kernel one at a time. A
 * thread takes it on every entry from ring 3 (system call, exception,
 * an interrupt with a signal or an exit to act on) and drops it on the way
 * back, so the program's threads run their own code on every CPU at once
 * while kernel state (areas, files, signals) needs no finer locks. Waits
 * that may last (futex, signal waits, sleeps, poll, terminal input) drop it
 * while asleep; short device waits keep it and halt the CPU.
 *
 * Scheduling: each CPU runs a loop on its own stack (CPU 0's is proc_run's
 * caller) that takes the first thread of its queue, or one from the
 * longest other queue, and switches to it; a thread gives the CPU back by
 * switching to that loop. A thread is preempted on its way back to ring 3
 * (from an interrupt or a system call) when its slice (SCHED_SLICE_TICKS)
 * is over and another thread waits for the CPU. One lock (rank LOCK_RANK_SCHED) guards the
 * queues and every thread's state.
 *
 * Priorities: a thread with a real-time priority (SCHED_FIFO or SCHED_RR,
 * 1 to 99) runs before every thread of a lower one on its CPU. One that
 * becomes runnable goes to an idle CPU, else to the one whose highest
 * priority, running or queued, is the lowest below its own, and takes that CPU at the running thread's next
 * return to ring 3 (right after the interrupt that woke it; a thread in a
 * long system call leaves at its end). A SCHED_FIFO thread has no slice; a
 * SCHED_RR one's ends only for a thread of its priority waiting; one
 * preempted by a higher priority goes back first among its own. Others
 * (priority 0) share the CPUs in turn, as above. Nothing throttles a
 * real-time thread that never waits: as on Linux without its throttling,
 * the program's own threads below it then starve. A thread that is already
 * queued stays on its CPU's queue: across CPUs the order is kept at the
 * wake-up, not after.
 */
#ifndef BF_SCHED_H
#define BF_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct thread;
struct proc;

#define SCHED_SLICE_TICKS 2 /* 20 ms at TIMER_HZ */
#define SCHED_SLICE_MAX 100 /* ticks: a nice of -20 would weigh 173 */

/* Policies (Linux's numbers). */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define SCHED_RESET_ON_FORK 0x40000000

/* Take and drop the kernel lock. While spinning for it a CPU runs the
 * cross-calls sent to it. Not recursive. */
void kernel_lock(void);
void kernel_unlock(void);
/* Take it only if free (an interrupt's handler): true if taken. */
bool kernel_trylock(void);
/* True if this CPU holds it. */
bool kernel_locked(void);

/* Make t (new, or asleep) runnable, on the CPU that will run it soonest
 * among those its affinity allows; an idle one is woken with an IPI. A
 * thread that is not asleep is left alone. Interrupts may be enabled or not. */
void sched_wake(struct thread *t);
/* Put the current thread to sleep until sched_wake (or, with tick, until
 * this CPU's next interrupt too). Drops the kernel lock while asleep and
 * takes it again; the caller checks again what it waits for. */
void sched_sleep(bool tick);
/* Wait for this CPU's next interrupt: a thread in a system call sleeps
 * (sched_sleep with tick), anything else halts (cpu_wait_interrupt). */
void sched_wait_interrupt(void);
/* Give the CPU to another runnable thread, if one waits (sched_yield). The
 * caller holds the kernel lock, which it holds again on return. */
void sched_yield_cpu(void);
/* Move the current thread to a CPU its affinity allows (it holds the
 * kernel lock, as on return). */
void sched_migrate(void);
/* Set t's affinity to mask (CPUs that are online, at least one). If t
 * waits on the queue of a CPU it may no longer use, it moves to one it
 * may; if it runs on such a CPU, other than this one, that CPU is
 * interrupted and it moves on its way back to user mode. For the current
 * thread the caller moves it (sched_migrate). */
void sched_set_affinity(struct thread *t, uint64_t mask);
/* Queue the process's first thread on this CPU. */
void sched_start(struct thread *t);
/* Give t (any thread of the program) a policy and a real-time priority
 * (0 for none); the caller checked them. */
void sched_set_priority(struct thread *t, int policy, unsigned rt_priority);
/* True if a thread waits for this CPU. */
bool sched_others_waiting(void);
/* The calling thread's time on a CPU so far, in ns (CLOCK_THREAD_CPUTIME_ID). */
uint64_t sched_thread_cpu_ns(void);
/* On the way back to ring 3 (no kernel lock held): give
 * the CPU up if the running thread's slice is over and another one waits. */
void sched_preempt(void);
/* The current thread is done: never runs again (its memory is freed by
 * the scheduler loop, or with the process for the first one). Drops the
 * kernel lock. */
__attribute__((noreturn)) void sched_exit(void);
/* Wake the threads waiting for an interrupt on this CPU, and count the
 * running thread's tick (from the timer's interrupt). */
void sched_interrupt(bool timer);
/* Send CPU `cpu` an interrupt, so that a thread running there in ring 3
 * enters the kernel (a signal, or exit_group). */
void sched_kick(unsigned cpu);
/* Run p's threads on this CPU (CPU 0, from proc_run) until none is left;
 * the other CPUs run them from their idle loops. */
void sched_run(struct proc *p);
/* An application processor's idle loop: run threads, or do work (smp.c's
 * work_fn), or hlt. Never returns. */
__attribute__((noreturn)) void sched_idle(bool (*work_fn)(void));

#endif
