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
