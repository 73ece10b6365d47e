/*
 * Switching kernel stacks between a thread and its CPU's scheduler loop
 * (sched.c), and a new thread's way into ring 3.
 */
	.text
/* void sched_switch(uint64_t *save, uint64_t next): push the callee-saved
 * registers, store RSP in *save, load next and pop its registers; `ret`
 * then returns into the other context's sched_switch call (or, for a new
 * thread, to thread_entry). */
	.global sched_switch
sched_switch:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/* A new thread's first return: RSP points at its struct trapframe (the
 * registers it starts with in ring 3), which trap_return restores. */
	.global thread_entry
thread_entry:
	call sched_thread_start                  /* drops the scheduler's lock */
	jmp trap_return
