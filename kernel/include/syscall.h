/* System call handlers: each takes the six argument registers and returns a
 * value or a negative errno; syscall_call, where both entries (SYSCALL and
 * int $0x80) end, is the only place that meets the ABI (RAX). */
#ifndef BF_SYSCALL_H
#define BF_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "trap.h"

typedef int64_t (*syscall_fn)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			      uint64_t a5);

/* The Linux name of system call nr ("unknown" if it has none). */
const char *syscall_name(uint64_t nr);
/* Print one line on stderr naming every system call number the program
 * used that has no handler (each is logged only to the kernel log as it
 * happens), in number order; past the table only the first 16 distinct
 * numbers are named, then "...". Then forget them for the next program. */
void syscall_report_unimplemented(void);
/* Run fn (NULL: -ENOSYS) with arguments a for the system call that trapped
 * with tf; both entries (SYSCALL and int $0x80) end here. Shared mappings
 * are synced first; after the call the result is in RAX, a process out of
 * memory is killed, pending signals are delivered, and a return past
 * TASK_SIZE kills. Returns nonzero when every register of tf must be
 * restored (a signal handler is entered, or rt_sigreturn rewrote tf). */
int syscall_call(struct trapframe *tf, syscall_fn fn, const uint64_t a[6]);
/* Let ring 3 use int $0x80 for the i386 system calls (syscall_ia32.c). */
void syscall_ia32_init(void);
/* True with --strace: system calls and signals are logged to stderr. */
bool syscall_tracing(void);
/* The registers of the system call being handled (its user RSP, or all of
 * them for rt_sigreturn); NULL outside one. */
struct trapframe *syscall_frame(void);

#define SYSCALL(nr, name, fn) int64_t fn(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
#include "../sys/syscalls.def"
#undef SYSCALL

#endif
