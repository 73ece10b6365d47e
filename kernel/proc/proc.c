/* The running process: entering ring 3, and coming back when it exits or faults. */
#include "proc.h"

#include "console.h"
#include "ksyms.h"
#include "panic.h"
#include "printf.h"
#include "trap.h"
#include "x86.h"

#define KSTACK_SIZE 16384

/* Syscalls and interrupts from ring 3 run on this stack (TSS.RSP0). */
static uint8_t proc_kstack[KSTACK_SIZE] __attribute__((aligned(16)));
extern uint64_t syscall_kernel_rsp;
__attribute__((noreturn)) void user_enter(uint64_t rip, uint64_t rsp);

static struct {
	struct kjmp exit_ctx; /* where proc_exit returns to */
	int status;
	int running;
	struct vm_space *as;
	uint64_t brk_start, brk;
} cur;

struct vm_space *proc_space(void) { return cur.as; }
bool proc_active(void) { return cur.running; }

uint64_t *proc_brk(uint64_t *start)
{
	*start = cur.brk_start;
	return &cur.brk;
}

int proc_run(struct vm_space *as, uint64_t rip, uint64_t rsp, uint64_t brk_start)
{
	uint64_t top = (uint64_t)(uintptr_t)&proc_kstack[KSTACK_SIZE];

	KASSERT(!cur.running);
	if (kjmp_save(&cur.exit_ctx)) {
		vm_switch(vm_kernel());
		cur.running = 0;
		return cur.status;
	}
	cur.running = 1;
	cur.as = as;
	cur.brk_start = cur.brk = brk_start;
	wrmsr(MSR_FS_BASE, 0);
	gdt_set_kernel_stack(top);
	syscall_kernel_rsp = top;
	vm_switch(as);
	user_enter(rip, rsp);
}

void proc_exit(int status)
{
	KASSERT(cur.running);
	cur.status = status & 0xff;
	kjmp_restore(&cur.exit_ctx, 1);
}

static int signal_of(unsigned vector, const char **name)
{
	switch (vector) {
	case T_DE: *name = "SIGFPE"; return 8;
	case T_UD: *name = "SIGILL"; return 4;
	case T_BP: case T_DB: *name = "SIGTRAP"; return 5;
	case 16: case 19: *name = "SIGFPE"; return 8;  /* x87 and SIMD floating point */
	case 17: *name = "SIGBUS"; return 7;           /* alignment check */
	default: *name = "SIGSEGV"; return 11;
	}
}

void proc_fault(const struct trapframe *tf)
{
	const char *signame;
	int sig = signal_of((unsigned)tf->vector, &signame);
	unsigned route = console_routing();

	console_route(route | CONSOLE_STDERR); /* the report is for the user */
	kprintf("\nProgram killed by %s: %s (%s) at RIP %016lx", signame,
		trap_mnemonic((unsigned)tf->vector), trap_description((unsigned)tf->vector), tf->rip);
	if (tf->vector == T_PF)
		kprintf(", fault address %016lx", read_cr2());
	kprintf("\n");
	trap_report(tf);
	console_route(route);
	proc_exit(128 + sig);
}
