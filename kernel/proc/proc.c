/* The running process: entering ring 3, and coming back when it exits or faults. */
#include "proc.h"

#include "console.h"
#include "elf.h"
#include "fs.h"
#include "heap.h"
#include "jitmap.h"
#include "ksignal.h"
#include "ksyms.h"
#include "panic.h"
#include "percpu.h"
#include "printf.h"
#include "sample.h"
#include "sched.h"
#include "segments.h"
#include "smp.h"
#include "task.h"
#include "trap.h"
#include "x86.h"

struct proc *the_proc;

struct proc *proc_create(void)
{
	struct proc *p = kzalloc(sizeof *p);
	struct thread *t = p ? thread_alloc(p) : NULL;

	KASSERT(!the_proc);
	if (!t) {
		kfree(p);
		return NULL;
	}
	p->pid = 1;
	p->thread = t;
	p->next_tid = 2;
	p->umask = 022;
	rlimit_init(p);
	itimer_init(&p->timers);
	task_init(p);
	t->tid = 1;
	t->cpu = 0;
	thread_attach_first(p, t);
	the_proc = p;
	this_cpu()->thread = t; /* the boot context stands for it until proc_run */
	return p;
}

void proc_destroy(struct proc *p)
{
	KASSERT(the_proc == p && !p->running && current_thread() == p->thread);
	signal_release(); /* queued signals and timers */
	fd_close_all();	  /* files removed while open give back their space */
	unix_exit();	  /* and those in flight in socket queues */
	fs_set_cwd(NULL);
	vma_clear();
	shmap_clear();
	shm_detach_all();
	kfree(p->groups);
	this_cpu()->thread = NULL;
	the_proc = NULL;
	/* Threads other than the first are freed as they die (sched.c). */
	thread_free(p->thread);
	thread_cache_release();
	kfree(p);
}

void proc_set_image(const void *file, size_t size, uint64_t bias)
{
	struct proc *p = current_proc();

	p->image = file;
	p->image_size = size;
	p->bias = bias;
	p->jitmap = 0;
	p->jitmap_sought = false; /* a search of the symbols, left to the first report */
}

/* The JIT's label for the code at pc (copied into label) and pc's offset in
 * it, from the program's code map, read through copy_from_user: NULL if
 * there is none, it does not cover pc, or it cannot be read. */
const char *proc_jit_symbolize(uint64_t pc, char label[JITMAP_LABEL], uint64_t *off)
{
	struct jitmap m;
	const uint64_t esize = sizeof(struct jitmap_entry);
	struct proc *p = current_proc();
	/* Found when first needed: the runtime's 75,000 symbols take 11 ms to
	 * search under TCG, which every run would pay at exec. */
	if (!p->jitmap_sought && p->image)
		p->jitmap = elf_find_symbol(p->image, p->image_size, p->bias, JITMAP_SYMBOL);
	p->jitmap_sought = true;
	uint64_t where = p->jitmap;

	if (!where || copy_from_user(&m, where, sizeof m) || m.magic != JITMAP_MAGIC)
		return NULL;
	uint64_t n = m.count < JITMAP_MAX ? m.count : JITMAP_MAX;
	if (m.entries + n * esize < m.entries)
		return NULL;
	for (uint64_t i = n; i-- > 0;) { /* the newest first: memory may be reused */
		uint64_t range[2];
		uint64_t at = m.entries + i * esize;
		if (copy_from_user(range, at, sizeof range))
			return NULL;
		if (pc < range[0] || pc - range[0] >= range[1])
			continue;
		if (copy_from_user(label, at + offsetof(struct jitmap_entry, label), JITMAP_LABEL))
			return NULL;
		label[JITMAP_LABEL - 1] = 0;
		for (char *c = label; *c; c++) /* the program wrote it: no escapes */
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		*off = pc - range[0];
		return label;
	}
	return NULL;
}

/* The name of the function at pc: the ELF's, or the JIT's. */
static const char *symbolize(uint64_t pc, char label[JITMAP_LABEL], uint64_t *off)
{
	const struct proc *p = current_proc();
	const char *name = p->image ? elf_symbolize(p->image, p->image_size, p->bias, pc, off) : NULL;
	return name ? name : proc_jit_symbolize(pc, label, off);
}

static void print_user_frame(int depth, uint64_t pc)
{
	uint64_t off;
	char label[JITMAP_LABEL];
	const char *name = symbolize(pc, label, &off);

	if (name)
		kprintf("  #%-2d %016lx %s+0x%lx\n", depth, pc, name, off);
	else
		kprintf("  #%-2d %016lx ?\n", depth, pc);
}

/* Does a call instruction end just before ret? (call rel32, or call r/m64
 * in any of its 2- to 7-byte forms) */
static bool after_call(uint64_t ret)
{
	uint8_t b[7];

	if (ret < sizeof b || copy_from_user(b, ret - sizeof b, sizeof b))
		return false;
	if (b[2] == 0xe8)
		return true;
	for (int len = 2; len <= 7; len++)
		if (b[7 - len] == 0xff && ((b[8 - len] >> 3) & 7) == 2)
			return true;
	return false;
}

/* Without frame pointers (the C library is built without them) the chain
 * ends at once: then list the stack words that look like return addresses,
 * marked "?" because a stale word can look like one too. Only a word that
 * follows a call is looked up: the lookup reads the whole symbol table,
 * and the 512 lookups took 30 s of a crash report of the JIT runtime (55
 * MiB, its LLVM's symbols) under emulation. */
static void scan_stack(uint64_t rsp)
{
	uint64_t off, word;
	char label[JITMAP_LABEL];
	int shown = 0;

	for (unsigned i = 0; i < 512 && shown < 16; i++) {
		if (copy_from_user(&word, rsp + 8 * i, sizeof word)) /* the top of the stack */
			return;
		const char *name = after_call(word) ? symbolize(word - 1, label, &off) : NULL;
		if (name) {
			kprintf("  ?   %016lx %s+0x%lx\n", word - 1, name, off);
			shown++;
		}
	}
}

/* Walk the program's frame-pointer chain through copy_from_user: a bad chain
 * ends the walk, never the kernel. */
static void user_backtrace(uint64_t rip, uint64_t rbp, uint64_t rsp)
{
	char label[JITMAP_LABEL];
	uint64_t off;
	int depth = 1;

	print_user_frame(0, rip);
	while (depth < 32 && rbp >= rsp && !(rbp & 7)) { /* frames live above RSP */
		uint64_t frame[2];
		if (copy_from_user(frame, rbp, sizeof frame) || !frame[1])
			break;
		print_user_frame(depth++, frame[1] - 1);
		if (frame[0] <= rbp) /* a chain only goes up the stack */
			break;
		rbp = frame[0];
	}
	/* JIT code keeps no frame pointer: its callers are on the stack only */
	if ((depth == 1 || proc_jit_symbolize(rip, label, &off)) && current_proc()->image &&
	    !(rsp & 7))
		scan_stack(rsp);
}

struct vm_space *proc_space(void) { return current_proc()->as; }
bool proc_active(void) { return the_proc && the_proc->running; }

uint64_t *proc_brk(uint64_t *start)
{
	struct proc *p = current_proc();

	*start = p->brk_start;
	return &p->brk;
}

/* A cross-call: this CPU's page tables are the kernel's again. */
static void drop_space(void *as)
{
	if (this_cpu()->as == as)
		vm_switch(vm_kernel());
}

int proc_run(struct vm_space *as, uint64_t rip, uint64_t rsp, uint64_t brk_start)
{
	struct proc *p = current_proc();
	struct thread *t = p->thread;
	struct trapframe regs = {.rip = rip, .rsp = rsp, .cs = SEL_UCODE, .ss = SEL_UDATA,
				 .rflags = 0x202}; /* IF */

	KASSERT(!p->running && current_thread() == t);
	p->running = true;
	p->as = as;
	p->brk_start = p->brk = brk_start;
	vma_usage_reset();
	thread_set_start(t, &regs);
	fpu_reset(); /* the program starts with clean vector registers */
	fpu_save(t->fpu_ctx);
	this_cpu()->thread = NULL;
	sched_start(t);
	sched_run(p); /* until every thread has exited */
	/* Under the kernel lock: a tick's poll_process on another CPU is then
	 * either done with p's timers and signals or sees it stopped, before
	 * proc_destroy frees them. */
	kernel_lock();
	p->running = false;
	kernel_unlock();
	smp_call_mask(~0ull, drop_space, as);
	vm_switch(vm_kernel());
	this_cpu()->thread = t;
	return p->status;
}

void proc_exit(int status)
{
	struct proc *p = current_proc();

	KASSERT(p->running && kernel_locked());
	kernel_copy_abandon(current_thread()); /* ended in a sendfile */
	if (!p->exiting) {
		p->exiting = true;
		p->status = status & 0xff;
		sample_dump(); /* while the program's memory is there to name JIT code */
		thread_kill_others();
	}
	current_thread()->killed = true;
	thread_exit();
}

void proc_killed(const struct trapframe *tf, int sig, const char *cause, const char *extra,
		 bool full)
{
	unsigned route = console_routing();
	uint64_t off;
	char label[JITMAP_LABEL];
	const char *fn = symbolize(tf->rip, label, &off);

	console_route(route | CONSOLE_STDERR); /* the report is for the user */
	kprintf("\nProgram killed by %s: %s at %016lx", signal_name(sig), cause, tf->rip);
	if (fn)
		kprintf(" in %s+0x%lx", fn, off);
	kprintf("%s\n", extra);
	if (full) {
		kprintf("  RIP %016lx  RSP %016lx  RBP %016lx  RFLAGS %016lx\n", tf->rip, tf->rsp,
			tf->rbp, tf->rflags);
		kprintf("  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", tf->rax, tf->rbx,
			tf->rcx, tf->rdx);
		kprintf("  RSI %016lx  RDI %016lx  R8  %016lx  R9  %016lx\n", tf->rsi, tf->rdi,
			tf->r8, tf->r9);
		kprintf("  R10 %016lx  R11 %016lx  R12 %016lx  R13 %016lx\n", tf->r10, tf->r11,
			tf->r12, tf->r13);
		kprintf("  R14 %016lx  R15 %016lx  error code %#lx\n", tf->r14, tf->r15, tf->error);
		kprintf("Backtrace:\n");
		user_backtrace(tf->rip, tf->rbp, tf->rsp);
	}
	console_route(route);
	proc_exit(128 + sig);
}

void proc_fault(const struct trapframe *tf)
{
	char cause[80], extra[80] = "";

	ksnprintf(cause, sizeof cause, "%s (%s)", trap_mnemonic((unsigned)tf->vector),
		  trap_description((unsigned)tf->vector));
	if (tf->vector == T_PF)
		ksnprintf(extra, sizeof extra, ", fault address %016lx (%s)", read_cr2(),
			  tf->error & 2 ? "write" : tf->error & 16 ? "instruction fetch" : "read");
	proc_killed(tf, signal_of_trap((unsigned)tf->vector), cause, extra, true);
}
