/*
 * Ring 3 boundary: SYSCALL entry, the first entry into user mode, and the
 * kernel context a process returns to when it exits.
 *
 * The user stack pointer is parked in this CPU's struct percpu while the
 * stacks switch; SWAPGS first makes GS reach it (percpu.h), and every way
 * back to ring 3 swaps again.
 */
#include "frame.h"
#include "percpu.h"
#include "segments.h"

	.text
/* SYSCALL: RCX = user RIP, R11 = user RFLAGS, RFLAGS masked by SFMASK (IF
 * clear), RSP still the user's. Build a struct trapframe (trap.h) so that
 * syscalls and exceptions share one layout, with the number in .vector. */
	.global syscall_entry
syscall_entry:
	swapgs
	mov %rsp, %gs:PERCPU_USER_RSP
	mov %gs:PERCPU_KERNEL_RSP, %rsp
	pushq $SEL_UDATA                         /* ss */
	pushq %gs:PERCPU_USER_RSP                /* rsp */
	push %r11                                /* rflags */
	pushq $SEL_UCODE                         /* cs */
	push %rcx                                /* rip */
	pushq $0                                 /* error */
	push %rax                                /* vector: the syscall number */
	PUSH_REGS
	cld
	mov %rsp, %rdi
	call syscall_dispatch
	test %eax, %eax                          /* nonzero: restore every register */
	jnz 2f
	POP_REGS
	add $16, %rsp                            /* vector, error */
	/* SYSRET with a non-canonical RCX raises #GP in ring 0 on Intel CPUs,
	 * on the user's stack: return through IRETQ unless RIP is a user address. */
	cli                                      /* a handler may have enabled them */
	swapgs
	mov (%rsp), %rcx
	mov %rcx, %r11
	shr $47, %r11
	jnz 1f
	mov 16(%rsp), %r11                       /* rflags */
	mov 24(%rsp), %rsp                       /* user rsp */
	sysretq
1:	iretq
/* A signal frame was entered or restored: SYSRET would clobber RCX and R11.
 * signal.c checked that RIP is a user address and forced CS and SS. */
2:	POP_REGS
	add $16, %rsp
	cli
	swapgs
	iretq

/* void user_enter(uint64_t rip, uint64_t rsp): drop to ring 3 with clean
 * registers and interrupts on. Never returns. */
	.global user_enter
user_enter:
	cli
	swapgs
	pushq $SEL_UDATA
	push %rsi
	pushq $0x202                             /* IF */
	pushq $SEL_UCODE
	push %rdi
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	iretq

/* int kjmp_save(struct kjmp *j): returns 0; kjmp_restore(j, v) makes it
 * return again with v. Saves callee-saved registers, RSP, RIP, RFLAGS. */
	.global kjmp_save, kjmp_restore
kjmp_save:
	mov %rbx, 0(%rdi)
	mov %rbp, 8(%rdi)
	mov %r12, 16(%rdi)
	mov %r13, 24(%rdi)
	mov %r14, 32(%rdi)
	mov %r15, 40(%rdi)
	lea 8(%rsp), %rax
	mov %rax, 48(%rdi)
	mov (%rsp), %rax
	mov %rax, 56(%rdi)
	pushfq
	pop %rax
	mov %rax, 64(%rdi)
	xor %eax, %eax
	ret

kjmp_restore:
	mov 0(%rdi), %rbx
	mov 8(%rdi), %rbp
	mov 16(%rdi), %r12
	mov 24(%rdi), %r13
	mov 32(%rdi), %r14
	mov 40(%rdi), %r15
	mov 48(%rdi), %rsp
	push 64(%rdi)
	popfq
	mov %esi, %eax
	jmp *56(%rdi)
