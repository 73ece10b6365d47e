/* Exception and interrupt dispatch, fault reports and recoverable faults. */
#include <stdint.h>

#include "kerrno.h"
#include "ksyms.h"
#include "ksignal.h"
#include "kstring.h"
#include "panic.h"
#include "percpu.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"
#include "sched.h"
#include "task.h"
#include "timer.h"
#include "trap.h"
#include "x86.h"

extern char kernel_stack_guard[];

static irq_handler_fn handlers[256];
static uint64_t spurious_count;

static const char *const names[32][2] = {
	{"#DE", "divide error"}, {"#DB", "debug"}, {"NMI", "non-maskable interrupt"},
	{"#BP", "breakpoint"}, {"#OF", "overflow"}, {"#BR", "bound range exceeded"},
	{"#UD", "invalid opcode"}, {"#NM", "device not available"}, {"#DF", "double fault"},
	{"#CSO", "coprocessor segment overrun"}, {"#TS", "invalid TSS"},
	{"#NP", "segment not present"}, {"#SS", "stack-segment fault"},
	{"#GP", "general protection fault"}, {"#PF", "page fault"}, {"#15", "reserved"},
	{"#MF", "x87 floating-point error"}, {"#AC", "alignment check"},
	{"#MC", "machine check"}, {"#XM", "SIMD floating-point error"},
	{"#VE", "virtualization exception"}, {"#CP", "control protection"},
	{"#22", "reserved"}, {"#23", "reserved"}, {"#24", "reserved"}, {"#25", "reserved"},
	{"#26", "reserved"}, {"#27", "reserved"}, {"#HV", "hypervisor injection"},
	{"#VC", "VMM communication"}, {"#SX", "security exception"}, {"#31", "reserved"},
};

const char *trap_mnemonic(unsigned v) { return v < 32 ? names[v][0] : "IRQ"; }
const char *trap_description(unsigned v) { return v < 32 ? names[v][1] : "interrupt"; }

void trap_set_handler(unsigned vector, irq_handler_fn fn)
{
	KASSERT(vector >= 32 && vector < 256);
	handlers[vector] = fn;
}

/* Called by trap_catch (entry.S) once registers are saved. */
int trap_arm(struct trap_catcher *c);
int trap_arm(struct trap_catcher *c)
{
	c->prev = this_cpu()->catcher;
	this_cpu()->catcher = c;
	return 0;
}

void trap_uncatch(struct trap_catcher *c)
{
	KASSERT(this_cpu()->catcher == c);
	this_cpu()->catcher = c->prev;
}

/* Resume at the armed catcher's trap_catch return, with value 1. */
static void unwind_to_catcher(struct trapframe *tf)
{
	struct trap_catcher *c = this_cpu()->catcher;

	c->tf = *tf;
	c->cr2 = read_cr2();
	this_cpu()->catcher = c->prev;
	tf->rbx = c->rbx;
	tf->rbp = c->rbp;
	tf->r12 = c->r12;
	tf->r13 = c->r13;
	tf->r14 = c->r14;
	tf->r15 = c->r15;
	tf->rsp = c->rsp;
	tf->rip = c->rip;
	tf->rax = 1;
}

static void pf_error_string(uint64_t err, char *buf, size_t size)
{
	ksnprintf(buf, size, " [%s %s %s%s%s]", err & 1 ? "protection" : "not-present",
		  err & 2 ? "write" : (err & 16 ? "fetch" : "read"), err & 4 ? "user" : "kernel",
		  err & 8 ? " reserved-bit" : "", err & 32 ? " pkey" : "");
}

/* A fault at cr2 in the guard page below the boot stack or below the
 * current thread's kernel stack (kmalloc_guarded) is a kernel stack overflow. */
static void report_stack_guard(uint64_t cr2)
{
	uint64_t guard = (uint64_t)(uintptr_t)kernel_stack_guard;
	const struct thread *t = current_thread();

	if (cr2 >= guard && cr2 < guard + PAGE_SIZE)
		kprintf("  CR2 is in the guard page below the kernel stack: kernel stack overflow\n");
	guard = t ? (uint64_t)(uintptr_t)t->kstack - PAGE_SIZE : 0;
	if (t && cr2 >= guard && cr2 < guard + PAGE_SIZE)
		kprintf("  CR2 is in the guard page below the kernel stack of thread %d on CPU %u: "
			"kernel stack overflow\n", t->tid, this_cpu()->id);
}

void trap_report(const struct trapframe *tf)
{
	uint64_t off;
	char extra[64] = "";
	const char *sym = ksyms_lookup(tf->rip, &off);

	if (tf->vector == T_PF)
		pf_error_string(tf->error, extra, sizeof extra);
	kprintf("\nCPU exception %s (%s), vector %lu, in %s mode, error code 0x%lx%s\n",
		trap_mnemonic(tf->vector), trap_description(tf->vector), tf->vector,
		(tf->cs & 3) ? "user" : "kernel", tf->error, extra);
	if (this_cpu()->id)
		kprintf("  on CPU %u (local APIC ID %u)\n", this_cpu()->id, this_cpu()->apic_id);
	if (sym)
		kprintf("  RIP %016lx %s+0x%lx\n", tf->rip, sym, off);
	else
		kprintf("  RIP %016lx%s\n", tf->rip, (tf->cs & 3) ? " (user code)" : "");
	kprintf("  CR2 %016lx  CR3 %016lx  CR0 %016lx  CR4 %016lx\n", read_cr2(), read_cr3(),
		read_cr0(), read_cr4());
	kprintf("  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", tf->rax, tf->rbx,
		tf->rcx, tf->rdx);
	kprintf("  RSI %016lx  RDI %016lx  RBP %016lx  RSP %016lx\n", tf->rsi, tf->rdi,
		tf->rbp, tf->rsp);
	kprintf("  R8  %016lx  R9  %016lx  R10 %016lx  R11 %016lx\n", tf->r8, tf->r9,
		tf->r10, tf->r11);
	kprintf("  R12 %016lx  R13 %016lx  R14 %016lx  R15 %016lx\n", tf->r12, tf->r13,
		tf->r14, tf->r15);
	kprintf("  RFLAGS %016lx  CS %04lx  SS %04lx\n", tf->rflags, tf->cs, tf->ss);
	if (tf->vector == T_DF || tf->vector == T_PF)
		report_stack_guard(read_cr2());
	if (tf->vector == T_DF || tf->vector == T_NMI || tf->vector == T_MC)
		kprintf("  (reported from its own IST stack)\n");
	kprintf("Backtrace:\n");
	ksyms_backtrace(tf->rip, tf->rbp);
}

static void exception(struct trapframe *tf)
{
	bool recoverable = tf->vector != T_DF && tf->vector != T_MC && tf->vector != T_NMI;

	/* These come on IST stacks at any instruction, even in the kernel
	 * between SYSCALL and its SWAPGS: a user GS base means a swap is due.
	 * They are fatal, so it is never undone. */
	if (!recoverable && (int64_t)rdmsr(MSR_GS_BASE) >= 0)
		__asm__ volatile("swapgs" ::: "memory");

	/* A page of a process's memory area touched for the first time (by the
	 * program, or by the kernel copying to or from it): back it, retry. */
	if (tf->vector == T_PF && current_thread() && proc_active() && read_cr2() < USER_TOP) {
		int err = vma_fault(read_cr2(), tf->error & 2, tf->error & 16);
		if (!err)
			return;
		/* In a user copy the copy fails instead, and the syscall's end
		 * kills the process (vma_out_of_memory). */
		if (err == -ENOMEM && (tf->cs & 3))
			proc_out_of_memory(tf);
	}
	if (this_cpu()->catcher && recoverable && !(tf->cs & 3)) {
		unwind_to_catcher(tf);
		return;
	}
	if ((tf->cs & 3) && recoverable) {
		/* To the program's handler, or the program dies; the kernel goes on. */
		signal_fault(tf, read_cr2());
		return;
	}
	trap_report(tf);
	panic_reported("unhandled %s (%s) at %016lx", trap_mnemonic(tf->vector),
	      trap_description(tf->vector), tf->rip);
}

/* Entry from trap_common (entry.S) for every vector. */
void trap_dispatch(struct trapframe *tf);
void trap_dispatch(struct trapframe *tf)
{
	unsigned v = (unsigned)tf->vector;
	bool user = (tf->cs & 3) != 0;

	if (v < 32 && user && proc_active()) {
		kernel_lock(); /* the program's fault: the kernel's state is touched */
		exception(tf);
		kernel_unlock();
	} else if (v < 32) {
		exception(tf);
	} else if (handlers[v]) {
		handlers[v](tf);
		sched_interrupt(v == IRQ_TIMER && timer_was_tick());
	} else if (v == IRQ_SPURIOUS || (v >= IRQ_BASE && v < IRQ_BASE + 16)) {
		spurious_count++; /* masked PIC and LAPIC spurious: no EOI owed */
	} else {
		panic("trap: interrupt on vector %u with no handler", v);
	}
	/* Back to ring 3: maybe another thread's turn first; then an exit or
	 * a signal (IRETQ restores every register, so a handler can be
	 * entered here). */
	struct thread *t = user ? current_thread() : NULL;
	if (!t)
		return;
	sched_preempt();
	if (t->killed || t->sig.attention) {
		kernel_lock();
		if (t->killed)
			proc_exit(0);
		signal_return_to_user(tf, false);
		kernel_unlock();
	}
}
