/* System call handlers: each is defined with its real parameters by
 * SYSCALL_DEFINEn and returns a value or a negative errno; syscall_call,
 * where both entries (SYSCALL and int $0x80) end, is the only place that
 * meets the ABI (RAX). */
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
 * restored (a signal handler is entered, or rt_sigreturn rewrote tf).
 * The caller takes the kernel lock (sched.h); it is dropped here, and the
 * thread may give its CPU to another one on the way out. */
int syscall_call(struct trapframe *tf, syscall_fn fn, const uint64_t a[6]);
/* Let ring 3 use int $0x80 for the i386 system calls (syscall_ia32.c). */
void syscall_ia32_init(void);
/* True with --strace: system calls and signals are logged to stderr. */
bool syscall_tracing(void);
/* The registers of the system call being handled (its user RSP, or all of
 * them for rt_sigreturn); NULL outside one. */
struct trapframe *syscall_frame(void);

/*
 * SYSCALL_DEFINEn(name, type1, arg1, ..., typen, argn) { body } defines the
 * handler of system call `name` with its n real parameters, and the
 * six-register wrapper sys_name (a syscall_fn) that the tables hold and
 * that converts each register to its parameter's type, as Linux's does:
 * an int takes the low 32 bits, so 0x800000000001 is fd 1. User addresses
 * stay uint64_t: they are only handed to copy_*_user, never dereferenced.
 */
#define SC_MAP0(m, ...)
#define SC_MAP1(m, t, a, ...) m(t, a)
#define SC_MAP2(m, t, a, ...) m(t, a), SC_MAP1(m, __VA_ARGS__)
#define SC_MAP3(m, t, a, ...) m(t, a), SC_MAP2(m, __VA_ARGS__)
#define SC_MAP4(m, t, a, ...) m(t, a), SC_MAP3(m, __VA_ARGS__)
#define SC_MAP5(m, t, a, ...) m(t, a), SC_MAP4(m, __VA_ARGS__)
#define SC_MAP6(m, t, a, ...) m(t, a), SC_MAP5(m, __VA_ARGS__)
#define SC_DECL(t, a) t a
#define SC_REG(t, a) uint64_t a
#define SC_CAST(t, a) (t)a
/* The registers past the last parameter. */
#define SC_PAD0 uint64_t r0_, uint64_t r1_, uint64_t r2_, uint64_t r3_, uint64_t r4_, uint64_t r5_
#define SC_PAD1 , uint64_t r1_, uint64_t r2_, uint64_t r3_, uint64_t r4_, uint64_t r5_
#define SC_PAD2 , uint64_t r2_, uint64_t r3_, uint64_t r4_, uint64_t r5_
#define SC_PAD3 , uint64_t r3_, uint64_t r4_, uint64_t r5_
#define SC_PAD4 , uint64_t r4_, uint64_t r5_
#define SC_PAD5 , uint64_t r5_
#define SC_PAD6

#define SYSCALL_DEFINE0(name)                                                  \
	int64_t sys_##name(SC_PAD0);                                           \
	int64_t sys_##name(SC_PAD0)
#define SYSCALL_DEFINEx(n, name, ...)                                          \
	static int64_t do_sys_##name(SC_MAP##n(SC_DECL, __VA_ARGS__));         \
	int64_t sys_##name(SC_MAP##n(SC_REG, __VA_ARGS__) SC_PAD##n);          \
	int64_t sys_##name(SC_MAP##n(SC_REG, __VA_ARGS__) SC_PAD##n)           \
	{                                                                      \
		return do_sys_##name(SC_MAP##n(SC_CAST, __VA_ARGS__));         \
	}                                                                      \
	static int64_t do_sys_##name(SC_MAP##n(SC_DECL, __VA_ARGS__))
#define SYSCALL_DEFINE1(name, ...) SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) SYSCALL_DEFINEx(6, name, __VA_ARGS__)

#define SYSCALL(name) int64_t sys_##name(SC_PAD0);
#define SYSCALL_ALIAS(name, other)
#include "../sys/syscalls.def"
#undef SYSCALL
#undef SYSCALL_ALIAS

#endif
