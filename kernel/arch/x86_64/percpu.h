/*
 * Per-CPU data, reached through GS. In the kernel GS_BASE holds this CPU's
 * struct percpu and KERNEL_GS_BASE the program's GS base; every entry from
 * ring 3 (SYSCALL, interrupts, exceptions) and every return to it swaps the
 * two with SWAPGS, so the program's own GS (arch_prctl ARCH_SET_GS,
 * WRGSBASE) survives untouched.
 */
#ifndef BF_PERCPU_H
#define BF_PERCPU_H

/* Offsets the assembly reads (syscall.S); checked against the struct below. */
#define PERCPU_SELF 0
#define PERCPU_KERNEL_RSP 8
#define PERCPU_USER_RSP 16

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contract.h"

#define MAX_CPUS CONTRACT_CPUS_MAX

struct trap_catcher;
struct smp_call;
struct vm_space;
struct thread;

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

#define PERCPU_GDT_ENTRIES 8
#define LOCK_DEPTH_MAX 8
#define PERCPU_PAGES 32 /* free pages one CPU keeps for itself (pmm.c) */
#define PERCPU_BLOCK_CLASSES 5 /* heap blocks of 16..256 bytes (heap.c) */
#define PERCPU_BLOCKS 8	       /* of each class */

struct percpu {
	struct percpu *self;	   /* this_cpu() reads it through %gs:0 */
	uint64_t kernel_rsp;	   /* the stack SYSCALL switches to */
	uint64_t user_rsp;	   /* the program's RSP while SYSCALL switches */
	unsigned id;		   /* 0 = the boot CPU, then in MADT order */
	uint32_t apic_id;
	volatile bool online;	   /* its idle loop runs */
	struct trap_catcher *catcher; /* armed by trap_catch on this CPU */
	volatile uint64_t ticks;   /* its LAPIC timer interrupts */
	uint64_t asleep_tsc;	   /* TSC cycles in cpu_wait_interrupt and time_sleep_until */
	struct smp_call *volatile call; /* a cross-call waiting for it (smp.c) */
	struct vm_space *as;	   /* the address space in its CR3 */
	void (*volatile work)(void *); /* for its idle loop to run (smp_work_start) */
	void *work_arg;
	volatile bool work_busy;   /* set with work, cleared when it returns */
	uint64_t stack_top;	   /* the kernel stack it booted on */
	struct thread *thread;	   /* the program's thread on it, or NULL (task.h) */
	uint64_t sched_rsp;	   /* its scheduler loop's saved context (sched.c) */
	struct thread *runq_head, *runq_tail; /* runnable threads waiting for it */
	unsigned runq_len;
	struct thread *sleepers;	   /* asleep until its next interrupt */
	volatile bool idle;	   /* its scheduler loop waits in hlt */
	volatile bool need_resched; /* the running thread's slice is over */
	unsigned lock_depth;	   /* spinlocks held, for the rank check */
	unsigned lock_rank[LOCK_DEPTH_MAX];
	/* Free single pages only this CPU hands out, touched with its interrupts
	 * off; another CPU empties them only through a cross-call (pmm.c). */
	unsigned npages;
	uint64_t pages[PERCPU_PAGES]; /* frame numbers, most recently freed last */
	/* Freed small heap blocks, the same way (heap.c), and what this CPU's
	 * cache changed in the heap's live counts. */
	unsigned nblocks[PERCPU_BLOCK_CLASSES];
	void *blocks[PERCPU_BLOCK_CLASSES][PERCPU_BLOCKS];
	int64_t heap_allocs, heap_bytes;
	uint64_t gdt[PERCPU_GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
};

_Static_assert(offsetof(struct percpu, self) == PERCPU_SELF, "percpu.self");
_Static_assert(offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP, "percpu.kernel_rsp");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "percpu.user_rsp");

/* This CPU's data (GS_BASE must hold it: always true in kernel code after
 * percpu_install). */
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* CPU `id`'s data (0 <= id < MAX_CPUS), online or not. */
struct percpu *percpu_of(unsigned id);
/* Make p this CPU's per-CPU data: GS_BASE = p, KERNEL_GS_BASE = 0 (the
 * program's GS base until it sets one). */
void percpu_install(struct percpu *p);
#endif

#endif
