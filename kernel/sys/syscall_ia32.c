/*
 * int $0x80 from a 64-bit program. On Linux x86-64 with IA32 emulation it
 * enters the i386 system call table: the number in EAX, the arguments in
 * EBX, ECX, EDX, ESI, EDI and EBP (32 bits each), the result in RAX. We
 * serve the i386 calls whose arguments mean the same once zero-extended
 * (no structures whose layout differs between the ABIs, no signed 32-bit
 * offsets); the rest return ENOSYS, as they would on a kernel without
 * those calls.
 */
#include "console.h"
#include "kerrno.h"
#include "panic.h"
#include "proc.h"
#include "syscall.h"
#include "trap.h"

#define INT80 0x80

/* The 16-bit uid calls show ids past 65535 as the overflow id, 65534. */
static int64_t low16(int64_t id)
{
	return id > 0xffff ? 65534 : id;
}

static int64_t sys_getuid16(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			    uint64_t a5)
{
	return low16(sys_getuid(a0, a1, a2, a3, a4, a5));
}

static int64_t sys_getgid16(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			    uint64_t a5)
{
	return low16(sys_getgid(a0, a1, a2, a3, a4, a5));
}

static int64_t sys_geteuid16(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			     uint64_t a5)
{
	return low16(sys_geteuid(a0, a1, a2, a3, a4, a5));
}

static int64_t sys_getegid16(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			     uint64_t a5)
{
	return low16(sys_getegid(a0, a1, a2, a3, a4, a5));
}

/* i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
static const syscall_fn table[] = {
    [1] = sys_exit,	     [3] = sys_read,	     [4] = sys_write,	    [5] = sys_open,
    [6] = sys_close,	     [8] = sys_creat,	     [9] = sys_link,	    [10] = sys_unlink,
    [12] = sys_chdir,	     [15] = sys_chmod,	     [20] = sys_getpid,	    [24] = sys_getuid16,
    [33] = sys_access,	     [37] = sys_kill,	     [38] = sys_rename,	    [39] = sys_mkdir,
    [40] = sys_rmdir,	     [41] = sys_dup,	     [42] = sys_pipe,	    [45] = sys_brk,
    [47] = sys_getgid16,     [49] = sys_geteuid16,   [50] = sys_getegid16,  [57] = sys_setpgid,
    [60] = sys_umask,	     [63] = sys_dup2,	     [64] = sys_getppid,    [65] = sys_getpgrp,
    [66] = sys_setsid,	     [83] = sys_symlink,     [85] = sys_readlink,   [91] = sys_munmap,
    [94] = sys_fchmod,	     [118] = sys_fsync,	     [132] = sys_getpgid,   [133] = sys_fchdir,
    [147] = sys_getsid,	     [148] = sys_fsync, /* fdatasync */
    [158] = sys_sched_yield, [183] = sys_getcwd,     [199] = sys_getuid,    [200] = sys_getgid,
    [201] = sys_geteuid,     [202] = sys_getegid,    [224] = sys_gettid,
    [238] = sys_tkill,	     [252] = sys_exit_group, [270] = sys_tgkill,    [295] = sys_openat,
    [296] = sys_mkdirat,     [301] = sys_unlinkat,   [302] = sys_renameat,  [303] = sys_linkat,
    [304] = sys_symlinkat,   [305] = sys_readlinkat, [306] = sys_fchmodat,  [307] = sys_faccessat,
    [330] = sys_dup3,	     [331] = sys_pipe2,	     [355] = sys_getrandom,
};

static void int80(struct trapframe *tf)
{
	uint32_t nr = (uint32_t)tf->rax;
	syscall_fn fn = nr < sizeof table / sizeof table[0] ? table[nr] : NULL;
	uint64_t a[6] = {(uint32_t)tf->rbx, (uint32_t)tf->rcx, (uint32_t)tf->rdx,
			 (uint32_t)tf->rsi, (uint32_t)tf->rdi, (uint32_t)tf->rbp};

	if (!(tf->cs & 3))
		panic("int80: from the kernel");
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
