/*
 * Interrupt and exception entry. Every vector has a stub that pushes a dummy
 * error code when the CPU does not, then its vector number, and jumps to
 * trap_common, which saves the registers as a struct trapframe (trap.h),
 * calls trap_dispatch(tf) and returns with iretq. Coming from ring 3 it
 * swaps GS to the kernel's per-CPU base first, and back on the way out
 * (percpu.h).
 */
#include "frame.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.macro vector_stub v
	.balign 16
vector_\v:
	.if HAS_ERR(\v) == 0
	pushq $0
	.endif
	pushq $\v
	jmp trap_common
	.endm

	.altmacro
	.set vec, 0
	.rept 256
	vector_stub %vec
	.set vec, vec + 1
	.endr

trap_common:
	testb $3, 24(%rsp)                       /* the saved CS: from ring 3? */
	jz 1f
	swapgs
1:	PUSH_REGS
	cld
	mov %rsp, %rdi
	mov %rsp, %rbx                           /* callee-saved: the frame */
	and $-16, %rsp                           /* SysV alignment for the C handler */
	call trap_dispatch
	mov %rbx, %rsp
	.global trap_return
trap_return:
	POP_REGS
	add $16, %rsp                            /* vector and error code */
	testb $3, 8(%rsp)                        /* back to ring 3? */
	jz 2f
	cli                                      /* no interrupt on the user GS */
	swapgs
2:	iretq

/* Table of stub addresses for idt.c. */
	.section .rodata
	.balign 8
	.global trap_vectors
trap_vectors:
	.macro vector_ptr v
	.quad vector_\v
	.endm
	.set vec, 0
	.rept 256
	vector_ptr %vec
	.set vec, vec + 1
	.endr

/*
 * int trap_catch(struct trap_catcher *c): save callee-saved registers, the
 * stack pointer and the return address, then arm the catcher (in C). When a
 * fault unwinds to it, trap.c rewrites the trapframe to resume here with
 * RAX=1 and the saved registers.
 */
	.text
	.global trap_catch
trap_catch:
	mov %rbx, 0(%rdi)
	mov %rbp, 8(%rdi)
	mov %r12, 16(%rdi)
	mov %r13, 24(%rdi)
	mov %r14, 32(%rdi)
	mov %r15, 40(%rdi)
	lea 8(%rsp), %rax                        /* rsp as it will be after ret */
	mov %rax, 48(%rdi)
	mov (%rsp), %rax
	mov %rax, 56(%rdi)
	jmp trap_arm                             /* tail call: returns 0 */
