/*
 * int $0x80 from a 64-bit program. On Linux x86-64 with IA32 emulation it
 * enters the i386 system call table: the number in EAX, the arguments in
 * EBX, ECX, EDX, ESI, EDI and EBP (32 bits each), the result in RAX. We
 * serve the i386 calls whose arguments mean the same once zero-extended
 * (no structures whose layout differs between the ABIs, no signed 32-bit
 * offsets); the rest return ENOSYS, as they would on a kernel without
 * those calls.
 */
#include "asm/unistd_32.h" /* __NR_*, copied from linux-libc-dev by the build */

#include "console.h"
#include "kerrno.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "trap.h"

#define INT80 0x80

/* The 16-bit uid calls show ids past 65535 as the overflow id, 65534. */
static int64_t low16(int64_t id)
{
	return id > 0xffff ? 65534 : id;
}

SYSCALL_DEFINE0(getuid16)
{
	return low16(sys_getuid(0, 0, 0, 0, 0, 0));
}

SYSCALL_DEFINE0(getgid16)
{
	return low16(sys_getgid(0, 0, 0, 0, 0, 0));
}

SYSCALL_DEFINE0(geteuid16)
{
	return low16(sys_geteuid(0, 0, 0, 0, 0, 0));
}

SYSCALL_DEFINE0(getegid16)
{
	return low16(sys_getegid(0, 0, 0, 0, 0, 0));
}

/* By i386 number (<asm/unistd_32.h>: its own numbering, so this table is
 * apart from syscalls.def, and the 16-bit uid calls have the plain names). */
static const syscall_fn table[] = {
    [__NR_exit] = sys_exit, [__NR_read] = sys_read, [__NR_write] = sys_write,
    [__NR_open] = sys_open, [__NR_close] = sys_close, [__NR_creat] = sys_creat,
    [__NR_link] = sys_link, [__NR_unlink] = sys_unlink, [__NR_chdir] = sys_chdir,
    [__NR_chmod] = sys_chmod, [__NR_getpid] = sys_getpid, [__NR_getuid] = sys_getuid16,
    [__NR_access] = sys_access, [__NR_kill] = sys_kill, [__NR_rename] = sys_rename,
    [__NR_mkdir] = sys_mkdir, [__NR_rmdir] = sys_rmdir, [__NR_dup] = sys_dup,
    [__NR_pipe] = sys_pipe, [__NR_brk] = sys_brk, [__NR_getgid] = sys_getgid16,
    [__NR_geteuid] = sys_geteuid16, [__NR_getegid] = sys_getegid16,
    [__NR_setpgid] = sys_setpgid, [__NR_umask] = sys_umask, [__NR_dup2] = sys_dup2,
    [__NR_getppid] = sys_getppid, [__NR_getpgrp] = sys_getpgrp, [__NR_setsid] = sys_setsid,
    [__NR_symlink] = sys_symlink, [__NR_readlink] = sys_readlink, [__NR_munmap] = sys_munmap,
    [__NR_fchmod] = sys_fchmod, [__NR_fsync] = sys_fsync, [__NR_getpgid] = sys_getpgid,
    [__NR_fchdir] = sys_fchdir, [__NR_getsid] = sys_getsid, [__NR_fdatasync] = sys_fsync,
    [__NR_sched_yield] = sys_sched_yield, [__NR_getcwd] = sys_getcwd,
    [__NR_getuid32] = sys_getuid, [__NR_getgid32] = sys_getgid, [__NR_geteuid32] = sys_geteuid,
    [__NR_getegid32] = sys_getegid, [__NR_gettid] = sys_gettid, [__NR_tkill] = sys_tkill,
    [__NR_exit_group] = sys_exit_group, [__NR_tgkill] = sys_tgkill, [__NR_openat] = sys_openat,
    [__NR_mkdirat] = sys_mkdirat, [__NR_unlinkat] = sys_unlinkat,
    [__NR_renameat] = sys_renameat, [__NR_linkat] = sys_linkat,
    [__NR_symlinkat] = sys_symlinkat, [__NR_readlinkat] = sys_readlinkat,
    [__NR_fchmodat] = sys_fchmodat, [__NR_faccessat] = sys_faccessat, [__NR_dup3] = sys_dup3,
    [__NR_pipe2] = sys_pipe2, [__NR_getrandom] = sys_getrandom,
};

static void int80(struct trapframe *tf)
{
	uint32_t nr = (uint32_t)tf->rax;
	syscall_fn fn = nr < sizeof table / sizeof table[0] ? table[nr] : NULL;
	uint64_t a[6] = {(uint32_t)tf->rbx, (uint32_t)tf->rcx, (uint32_t)tf->rdx,
			 (uint32_t)tf->rsi, (uint32_t)tf->rdi, (uint32_t)tf->rbp};

	if (!(tf->cs & 3))
		panic("int80: from the kernel");
	kernel_lock(); /* syscall_call drops it */
	if (syscall_tracing())
		kreport("[strace] int $0x80: i386 system call %u(%#lx, %#lx, %#lx, ...)%s", nr,
			a[0], a[1], a[2], fn ? "" : " = -ENOSYS\n");
	/* A call restarted after a signal (-ERESTARTSYS) takes its number back
	 * from vector: the i386 number, not the interrupt's. */
	tf->vector = nr;
	syscall_call(tf, fn, a); /* the trap path restores every register anyway */
	tf->vector = INT80;
}

void syscall_ia32_init(void)
{
	trap_set_handler(INT80, int80);
}
