/* Tiny ring-3 programs for test_user.c, position-independent, each between
 * its label and the next. The tests copy one to a user page and run it. */
	.section .rodata
	.global user_prog_hello, user_prog_badptr, user_prog_kernel_read
	.global user_prog_write_text, user_prog_ud2, user_prog_enosys, user_prog_spin, user_prog_end

/* write(1, msg, len) then exit(42). */
user_prog_hello:
	mov $1, %eax
	mov $1, %edi
	lea 1f(%rip), %rsi
	mov $(2f - 1f), %edx
	syscall
	cmp $(2f - 1f), %rax
	jne 3f
	mov $60, %eax
	mov $42, %edi
	syscall
3:	mov $60, %eax
	mov $1, %edi
	syscall
1:	.ascii "hello from ring 3\n"
2:

/* write(1, <a kernel address>, 8) must fail with -EFAULT: exit(-rax). */
user_prog_badptr:
	mov $1, %eax
	mov $1, %edi
	movabs $0xffffffff80100000, %rsi
	mov $8, %edx
	syscall
	mov %rax, %rdi
	neg %rdi
	mov $231, %eax
	syscall

/* Reading kernel memory from ring 3 is a page fault: killed by SIGSEGV. */
user_prog_kernel_read:
	movabs $0xffffffff80100000, %rax
	mov (%rax), %rax
	ud2

/* Writing to its own (read-only, executable) code: SIGSEGV. */
user_prog_write_text:
	lea user_prog_write_text(%rip), %rax
	movb $0, (%rax)
	ud2

/* An invalid instruction: SIGILL. */
user_prog_ud2:
	ud2

/* An unknown system call returns -ENOSYS (38): exit(-rax). */
user_prog_enosys:
	mov $999, %eax
	syscall
	mov %rax, %rdi
	neg %rdi
	mov $60, %eax
	syscall

/* Spin until the timer has interrupted ring 3 a few times, then exit(7):
 * interrupts taken in user mode return to it correctly. */
user_prog_spin:
	mov $200000000, %ecx
1:	dec %ecx
	jnz 1b
	mov $60, %eax
	mov $7, %edi
	syscall
user_prog_end:

/* Signal frames built by hand for rt_sigreturn (kernel/proc/signal.c). The
 * frame's ucontext starts at RSP; its sigcontext at +40 holds RAX at +144,
 * RSP at +160, RIP at +168, RFLAGS at +176, CS at +184, SS at +190, and the
 * vector-state pointer at +224 (0: start clean). */
	.global user_prog_sigreturn_bad_rip, user_prog_sigreturn_sanitized
	.global user_prog_sigreturn_no_frame, user_prog_kernel_handler, user_prog_signal_end
#define UC_RAX 144
#define UC_RSP 160
#define UC_RIP 168
#define UC_RFLAGS 176
#define UC_CS 184
#define UC_SS 190

/* Zero 512 bytes at RSP for a frame. */
	.macro zero_frame
	sub $512, %rsp
	mov %rsp, %rdi
	mov $64, %ecx
	xor %eax, %eax
	rep stosq
	.endm

/* A frame whose RIP is not canonical: IRETQ would fault in ring 0. The
 * kernel must refuse it and end us with SIGSEGV instead. */
user_prog_sigreturn_bad_rip:
	zero_frame
	movabs $0x0000800000000000, %rax
	mov %rax, UC_RIP(%rsp)
	mov %rsp, UC_RSP(%rsp)
	mov $15, %eax
	syscall
	mov $60, %eax
	mov $1, %edi
	syscall

/* A frame asking for ring 0 (CS 0x08, SS 0x10) and IOPL 3, with RAX 0x1234:
 * we must come back at 1: in ring 3, IOPL 0, interrupts on, RAX restored;
 * then exit(RAX & 0xff = 0x34), or exit(1) if anything is off. */
user_prog_sigreturn_sanitized:
	zero_frame
	lea 1f(%rip), %rax
	mov %rax, UC_RIP(%rsp)
	mov %rsp, UC_RSP(%rsp)
	movq $0x3000, UC_RFLAGS(%rsp)
	movw $0x08, UC_CS(%rsp)
	movw $0x10, UC_SS(%rsp)
	movq $0x1234, UC_RAX(%rsp)
	mov $15, %eax
	syscall
1:	mov %rax, %rbx
	mov %cs, %ecx
	cmp $0x2b, %ecx
	jne 2f
	pushfq
	pop %rdx
	test $0x3000, %edx
	jnz 2f
	test $0x200, %edx
	jz 2f
	mov %rbx, %rdi
	and $0xff, %edi
	mov $60, %eax
	syscall
2:	mov $60, %eax
	mov $1, %edi
	syscall

/* rt_sigreturn with RSP pointing at nothing: SIGSEGV, not a kernel fault. */
user_prog_sigreturn_no_frame:
	mov $0x10, %rsp
	mov $15, %eax
	syscall
	mov $60, %eax
	mov $1, %edi
	syscall

/* A SIGUSR1 handler at a kernel address, then kill(1, SIGUSR1): delivery
 * must refuse to enter it and end us with SIGSEGV. */
user_prog_kernel_handler:
	sub $64, %rsp
	movabs $0xffffffff80100000, %rax
	mov %rax, 0(%rsp)                        /* sa_handler */
	movq $0x04000000, 8(%rsp)                /* SA_RESTORER */
	mov %rax, 16(%rsp)                       /* sa_restorer */
	movq $0, 24(%rsp)                        /* sa_mask */
	mov $13, %eax                            /* rt_sigaction(SIGUSR1, sp, NULL, 8) */
	mov $10, %edi
	mov %rsp, %rsi
	xor %edx, %edx
	mov $8, %r10d
	syscall
	test %rax, %rax
	jnz 1f
	mov $62, %eax                            /* kill(1, SIGUSR1) */
	mov $1, %edi
	mov $10, %esi
	syscall
1:	mov $60, %eax
	mov $1, %edi
	syscall
user_prog_signal_end:

	.global user_prog_umask_077, user_prog_umask_get, user_prog_umask_end
/* exit(umask(077)): the mask it started with. */
user_prog_umask_077:
	mov $95, %eax
	mov $077, %edi
	syscall
	mov %eax, %edi
	mov $60, %eax
	syscall

/* exit(umask(0)). */
user_prog_umask_get:
	mov $95, %eax
	xor %edi, %edi
	syscall
	mov %eax, %edi
	mov $60, %eax
	syscall
user_prog_umask_end:
