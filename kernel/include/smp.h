/*
 * Symmetric multiprocessing: the application processors (APs) the MADT
 * lists are started at boot and run their scheduler loops (sched.h) with
 * their timers running: the program's threads, work given with
 * smp_work_start, or hlt. The boot CPU is CPU 0.
 */
#ifndef BF_SMP_H
#define BF_SMP_H

#include <stdbool.h>
#include <stdint.h>

struct vm_space;

/* Start every enabled processor in the MADT (up to MAX_CPUS) with
 * INIT-SIPI-SIPI. One that does not come online within 2 seconds is
 * reported on the kernel log and left out. Logs "smp: N CPUs online" when
 * the MADT lists more than one. */
void smp_init(void);
/* CPUs online, counting the boot CPU; they are numbered 0..n-1; and as
 * a mask (bit n: CPU n). */
unsigned smp_cpus(void);
uint64_t smp_online_mask(void);
/* Those the program is given: all but the last when the kernel command
 * line reserves it for the JIT runtime (CONTRACT_WORD_RUNTIME_CPU), and
 * as a mask. A thread runs on them unless it asks for
 * another (sched_setaffinity takes every CPU online); /sys's "online"
 * lists them, "possible" all. */
unsigned smp_program_cpus(void);
uint64_t smp_program_mask(void);
/* This CPU's number. */
unsigned smp_cpu_id(void);

/* Run fn(arg) on CPU `cpu` with its interrupts disabled and wait until it
 * returns. fn must not take locks or wait: it may run in the middle of any
 * kernel code on that CPU, even one spinning for a lock. 0, or -EINVAL for
 * a CPU that is not online. A CPU that never answers within 5 s panics. */
int smp_call(unsigned cpu, void (*fn)(void *), void *arg);
/* The same on every CPU in `mask` (bit n: CPU n) but this one, at once. */
void smp_call_mask(uint64_t mask, void (*fn)(void *), void *arg);
/* Give fn(arg) to CPU `cpu`'s idle loop and return at once: it runs there
 * with interrupts enabled, so unlike a cross-call it may take locks, send
 * cross-calls and run long. 0; -EINVAL for the boot CPU (it has no idle
 * loop) or a CPU not online; -EBUSY while its last work still runs. */
int smp_work_start(unsigned cpu, void (*fn)(void *), void *arg);
/* Wait until CPU `cpu` has finished its work: true, or false after
 * timeout_ns (the work goes on). */
bool smp_work_wait(unsigned cpu, uint64_t timeout_ns);
/* Run the cross-call waiting for this CPU, if one is (spinning code calls it). */
void smp_poll_calls(void);
/* Invalidate [va, va+len) on every other CPU that has loaded `as`
 * (vm_switch records them), and wait until they have. */
void smp_tlb_shootdown(struct vm_space *as, uintptr_t va, uint64_t len);
/* Stop every other CPU (a panic). */
void smp_stop_others(void);
/* TLB shootdowns sent and the pages they named, for tests. */
uint64_t smp_shootdowns(void);

#endif
