/* Interrupts and exceptions: descriptor tables, handlers, fault reports. */
#ifndef BF_TRAP_H
#define BF_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Register state saved by the entry stubs; layout shared with entry.S. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define T_DE 0
#define T_DB 1
#define T_NMI 2
#define T_BP 3
#define T_UD 6
#define T_DF 8
#define T_GP 13
#define T_PF 14
#define T_MC 18
#define IRQ_BASE 32      /* legacy PIC lines, remapped here and masked */
#define IRQ_TIMER 48     /* LAPIC timer */
#define IRQ_COM1 49      /* COM1 receive, through the I/O APIC */
#define IRQ_COM4 50      /* COM4 receive: the CLI's acknowledgements and reports */
#define IRQ_VIRTIO 64    /* virtio devices: 64..95 (MSI-X or INTx) */
#define IRQ_VIRTIO_END 96
#define IRQ_CALL 250     /* IPI: run the cross-call waiting for this CPU (smp.c) */
#define IRQ_STOP 251     /* IPI: stop this CPU for good (a panic elsewhere) */
#define IRQ_SPURIOUS 255 /* LAPIC spurious vector */

/* The boot CPU: load its GDT (with user segments) and TSS with IST stacks,
 * and make GS reach its per-CPU data. */
void gdt_init(void);
/* Load cpu's own GDT and TSS, whose IST stacks 1..3 end at ist_top[0..2]
 * (#DF, NMI, #MC). */
struct percpu;
void gdt_init_cpu(struct percpu *cpu, const uint64_t ist_top[3]);
#define IST_STACK_SIZE 16384
/* Set the stack this CPU switches to on entry from ring 3. */
void gdt_set_kernel_stack(uint64_t rsp0);
/* Install the IDT covering all 256 vectors; mask the legacy PIC. */
void idt_init(void);
/* Load the IDT that idt_init built on this CPU (an application processor). */
void idt_load(void);

typedef void (*irq_handler_fn)(struct trapframe *tf);
/* Route vector (32..255) to fn. Replaces any previous handler. */
void trap_set_handler(unsigned vector, irq_handler_fn fn);

/* Mnemonic and description of an exception vector ("#PF", "page fault"). */
const char *trap_mnemonic(unsigned vector);
const char *trap_description(unsigned vector);

/* Print the full report for an exception: vector, error code, RIP, CR2, all
 * registers and a symbolized backtrace. */
void trap_report(const struct trapframe *tf);

/*
 * Recover from an expected kernel-mode exception, as tests and (later) user
 * copies need. trap_catch(&c) returns 0 when armed; if an exception occurs
 * before trap_uncatch(), execution resumes at trap_catch's return with value
 * 1 and c.tf holds the faulting state. Catchers nest; unarmed faults go to
 * trap_report and panic.
 */
struct trap_catcher {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip; /* layout used by entry.S */
	struct trapframe tf;
	uint64_t cr2;
	struct trap_catcher *prev;
};
int trap_catch(struct trap_catcher *c) __attribute__((returns_twice));
void trap_uncatch(struct trap_catcher *c);

#endif
