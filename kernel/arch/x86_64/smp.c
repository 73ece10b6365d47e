/*
 * Starting the application processors, and cross-calls: INIT-SIPI-SIPI
 * through the real-mode trampoline (trampoline.S), one CPU at a time; then
 * each runs its scheduler loop (sched.c), and IPIs on IRQ_CALL run a
 * function on another CPU and wait for it (TLB shootdowns are one such
 * function), or only wake it to look at its run queue.
 */
#include "smp.h"

#include "acpi.h"
#include "apic.h"
#include "contract.h"
#include "cpu.h"
#include "kernel.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "panic.h"
#include "percpu.h"
#include "pmm.h"
#include "proc.h"
#include "sched.h"
#include "printf.h"
#include "smp_boot.h"
#include "spinlock.h"
#include "timer.h"
#include "trap.h"
#include "vm.h"
#include "x86.h"

#define AP_BOOT_TIMEOUT_NS (2 * NS_PER_SEC)
#define SIPI_WAIT_NS (10 * 1000 * 1000)
#define ABSENT_APIC_ID 200 /* fault=absent-cpu: an ID QEMU gives none of our CPUs */
#define CALL_TIMEOUT_NS (5 * NS_PER_SEC)
/* An AP's memory: its kernel stack (a guard page below it), then its three IST stacks. */
#define AP_STACK_SIZE 16384
#define AP_AREA_PAGES ((AP_STACK_SIZE + 3 * IST_STACK_SIZE) / PAGE_SIZE)

extern const char trampoline_start[], trampoline_end[];
extern const char tramp_cr3[], tramp_efer[], tramp_stack[], tramp_entry[], tramp_cpu[];

struct smp_call {
	void (*fn)(void *);
	void *arg;
	volatile bool done;
};

static unsigned ncpus = 1;
static unsigned runtime_cpu; /* 1: the last CPU is the JIT runtime's */
static struct spinlock call_lock = SPINLOCK_INIT("smp_call", LOCK_RANK_CALL);
static uint64_t shootdowns;

/* CPUs 0..n-1 as a mask (bit i: CPU i). */
static uint64_t first_cpus(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

unsigned smp_cpus(void) { return ncpus; }
uint64_t smp_online_mask(void) { return first_cpus(ncpus); }
unsigned smp_program_cpus(void) { return ncpus - runtime_cpu; }
uint64_t smp_program_mask(void) { return first_cpus(smp_program_cpus()); }
unsigned smp_cpu_id(void) { return this_cpu()->id; }
uint64_t smp_shootdowns(void) { return shootdowns; }

void smp_poll_calls(void)
{
	struct percpu *cpu = this_cpu();

	if (!cpu->call)
		return;
	struct smp_call *c = __atomic_exchange_n(&cpu->call, NULL, __ATOMIC_ACQUIRE);
	if (c) {
		uint64_t flags = irq_save();
		c->fn(c->arg);
		irq_restore(flags);
		__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	}
}

static void call_irq(struct trapframe *tf)
{
	lapic_eoi();
	smp_poll_calls();
}

static void stop_irq(struct trapframe *tf)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Wait for every call in `calls` whose CPU is in `mask` to be done. */
static void call_wait(struct smp_call *calls, uint64_t mask)
{
	uint64_t deadline = time_ns() + CALL_TIMEOUT_NS;

	for (unsigned i = 0; i < ncpus; i++) {
		if (!(mask >> i & 1))
			continue;
		while (!__atomic_load_n(&calls[i].done, __ATOMIC_ACQUIRE)) {
			smp_poll_calls(); /* a CPU calling us while we call it */
			cpu_relax();
			if (time_ns() > deadline)
				panic("smp_call: CPU %u did not answer a cross-call in 5 s", i);
		}
	}
}

void smp_call_mask(uint64_t mask, void (*fn)(void *), void *arg)
{
	struct smp_call calls[MAX_CPUS];
	unsigned me = this_cpu()->id;

	mask &= ~(1ull << me);
	mask &= smp_online_mask();
	if (!mask)
		return;
	uint64_t flags = spin_lock_irqsave(&call_lock);
	for (unsigned i = 0; i < ncpus; i++) {
		if (!(mask >> i & 1))
			continue;
		calls[i] = (struct smp_call){fn, arg, false};
		__atomic_store_n(&percpu_of(i)->call, &calls[i], __ATOMIC_RELEASE);
		if (!lapic_send(percpu_of(i)->apic_id, ICR_FIXED | ICR_ASSERT | IRQ_CALL))
			panic("smp_call: the local APIC cannot send to CPU %u", i);
	}
	call_wait(calls, mask);
	spin_unlock_irqrestore(&call_lock, flags);
}

int smp_call(unsigned cpu, void (*fn)(void *), void *arg)
{
	if (cpu >= ncpus)
		return -EINVAL;
	if (cpu == this_cpu()->id) {
		uint64_t flags = irq_save();
		fn(arg);
		irq_restore(flags);
		return 0;
	}
	smp_call_mask(1ull << cpu, fn, arg);
	return 0;
}

struct shootdown {
	uintptr_t va;
	uint64_t len;
};

static void invalidate(void *arg)
{
	const struct shootdown *s = arg;

	if (s->len <= 64 * PAGE_SIZE) {
		for (uint64_t off = 0; off < s->len; off += PAGE_SIZE)
			invlpg(s->va + off);
	} else if (s->va < USER_TOP) {
		write_cr3(read_cr3()); /* everything but global (kernel) pages */
	} else {
		uint64_t cr4 = read_cr4(); /* clearing PGE flushes global pages too */
		write_cr4(cr4 & ~(uint64_t)CR4_PGE);
		write_cr4(cr4);
	}
}

void smp_tlb_shootdown(struct vm_space *as, uintptr_t va, uint64_t len)
{
	uint64_t me = 1ull << this_cpu()->id;
	/* The kernel half is in every space: every CPU may cache it. */
	uint64_t others = va >= USER_TOP ? ~me : __atomic_load_n(&as->cpus, __ATOMIC_ACQUIRE) & ~me;
	struct shootdown s = {va, len};

	if (ncpus == 1 || !others)
		return;
	__atomic_fetch_add(&shootdowns, 1, __ATOMIC_RELAXED);
	smp_call_mask(others, invalidate, &s);
}

int smp_work_start(unsigned cpu, void (*fn)(void *), void *arg)
{
	if (cpu == 0 || cpu >= ncpus)
		return -EINVAL;
	struct percpu *p = percpu_of(cpu);
	if (__atomic_exchange_n(&p->work_busy, true, __ATOMIC_ACQUIRE))
		return -EBUSY;
	p->work_arg = arg;
	__atomic_store_n(&p->work, fn, __ATOMIC_RELEASE);
	lapic_send(p->apic_id, ICR_FIXED | ICR_ASSERT | IRQ_CALL); /* out of its hlt */
	return 0;
}

bool smp_work_wait(unsigned cpu, uint64_t timeout_ns)
{
	uint64_t deadline = time_ns() + timeout_ns;

	while (__atomic_load_n(&percpu_of(cpu)->work_busy, __ATOMIC_ACQUIRE)) {
		if (time_ns() > deadline)
			return false;
		smp_poll_calls();
		cpu_relax();
	}
	return true;
}

/* The work given to this AP, if any, run with interrupts enabled: true if
 * there was some. Its scheduler loop (sched_idle) asks with interrupts
 * disabled before it halts (STI's shadow covers HLT), so the wake-up IPI
 * cannot slip in between. */
static bool take_work(void)
{
	struct percpu *cpu = this_cpu();
	void (*fn)(void *) = __atomic_exchange_n(&cpu->work, NULL, __ATOMIC_ACQUIRE);

	if (!fn)
		return false;
	irq_enable();
	fn(cpu->work_arg);
	__atomic_store_n(&cpu->work_busy, false, __ATOMIC_RELEASE);
	return true;
}

void smp_stop_others(void)
{
	if (ncpus == 1)
		return; /* maybe before GS reaches per-CPU data */
	unsigned me = this_cpu()->id;

	for (unsigned i = 0; i < ncpus; i++)
		if (i != me)
			lapic_send(percpu_of(i)->apic_id, ICR_FIXED | ICR_ASSERT | IRQ_STOP);
}

/* An AP's first C code, on its own stack, still on the trampoline's tables. */
__attribute__((noreturn)) static void ap_main(struct percpu *cpu)
{
	uint64_t ist[3], area = cpu->stack_top - AP_STACK_SIZE;

	percpu_install(cpu);
	vm_switch(vm_kernel());
	write_cr4(read_cr4() | CR4_PGE);
	for (int i = 0; i < 3; i++)
		ist[i] = area + AP_STACK_SIZE + (uint64_t)(i + 1) * IST_STACK_SIZE;
	gdt_init_cpu(cpu, ist);
	idt_load();
	cpu_init_ap();
	syscall_cpu_init(); /* the program's threads make system calls here too */
	lapic_cpu_init();
	lapic_timer_start();
	__atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
	sched_idle(take_work); /* the program's threads, work, or hlt */
}

/* The trampoline's page and its tables must be free RAM below 1 MiB. */
static bool low_memory_usable(void)
{
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct boot_mem_range *m = &boot_info.mem[i];
		if (m->type == BOOT_MEM_USABLE && m->base <= TRAMPOLINE_PHYS &&
		    m->base + m->len >= TRAMPOLINE_END)
			return true;
	}
	return false;
}

static void *tramp_field(const char *sym)
{
	return phys_to_virt(TRAMPOLINE_PHYS + (uint64_t)(sym - trampoline_start));
}

/* The trampoline and its page tables: the low 2 MiB where they are (the
 * trampoline runs there), the kernel half as the kernel's own tables have it. */
static void trampoline_install(void)
{
	uint64_t *pml4 = phys_to_virt(TRAMPOLINE_PML4), *pdpt = pml4 + 512, *pd = pml4 + 1024;

	memset(pml4, 0, 3 * PAGE_SIZE);
	memcpy(pml4 + 256, (uint64_t *)phys_to_virt(vm_kernel()->pml4) + 256, 256 * sizeof *pml4);
	pml4[0] = (TRAMPOLINE_PML4 + PAGE_SIZE) | 3;     /* present, writable */
	pdpt[0] = (TRAMPOLINE_PML4 + 2 * PAGE_SIZE) | 3;
	pd[0] = 0 | 0x83;                                /* 2 MiB page at 0 */
	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, (size_t)(trampoline_end - trampoline_start));
	*(uint32_t *)tramp_field(tramp_cr3) = TRAMPOLINE_PML4;
	*(uint32_t *)tramp_field(tramp_efer) = (uint32_t)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE));
	*(uint64_t *)tramp_field(tramp_entry) = (uint64_t)(uintptr_t)ap_main;
}

static bool wait_online(struct percpu *cpu, uint64_t ns)
{
	uint64_t deadline = time_ns() + ns;

	while (!__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE))
		if (time_ns() > deadline)
			return false;
		else
			cpu_relax();
	return true;
}

/* INIT, then up to two STARTUPs, as the MP specification has it. */
static bool start_ap(struct percpu *cpu)
{
	char *area = kmalloc_guarded(AP_AREA_PAGES * PAGE_SIZE); /* the kernel half: the trampoline's too */

	if (!area)
		return false;
	cpu->stack_top = (uint64_t)(uintptr_t)area + AP_STACK_SIZE;
	*(uint64_t *)tramp_field(tramp_stack) = cpu->stack_top;
	*(uint64_t *)tramp_field(tramp_cpu) = (uint64_t)(uintptr_t)cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_send(cpu->apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	time_delay_ns(SIPI_WAIT_NS);
	for (int i = 0; i < 2; i++) {
		lapic_send(cpu->apic_id, ICR_STARTUP | ICR_ASSERT | (TRAMPOLINE_PHYS >> 12));
		if (wait_online(cpu, i == 0 ? SIPI_WAIT_NS : AP_BOOT_TIMEOUT_NS))
			return true;
	}
	/* Park it in wait-for-SIPI, so it cannot start late on a trampoline
	 * set up for the next CPU. Its memory stays allocated. */
	lapic_send(cpu->apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	return false;
}

void smp_init(void)
{
	uint32_t ids[MAX_CPUS];
	int n = acpi_cpus(ids, MAX_CPUS);
	uint32_t me = lapic_id();

	percpu_of(0)->apic_id = me;
	percpu_of(0)->online = true;
	trap_set_handler(IRQ_CALL, call_irq);
	trap_set_handler(IRQ_STOP, stop_irq);
	if (n > MAX_CPUS) {
		kprintf("smp: the MADT lists %d CPUs; only %d are used\n", n, MAX_CPUS);
		n = MAX_CPUS;
	}
	/* fault=absent-cpu (tests): one more APIC ID, which no CPU answers. */
	char fault[32];
	if (cmdline_get("fault", fault, sizeof fault) && !strcmp(fault, "absent-cpu") && n > 0 &&
	    n < MAX_CPUS)
		ids[n++] = ABSENT_APIC_ID;
	if (n > 1 && !low_memory_usable()) {
		kprintf("smp: no free low memory for the trampoline; one CPU only\n");
		n = 0;
	}
	if (n > 1)
		trampoline_install();
	for (int i = 0; i < n; i++) {
		if (ids[i] == me)
			continue;
		struct percpu *cpu = percpu_of(ncpus);
		cpu->id = ncpus;
		cpu->apic_id = ids[i];
		if (start_ap(cpu))
			ncpus++;
		else
			kprintf("smp: CPU with APIC ID %u did not start; going on without it\n", ids[i]);
	}
	if (n > 1) /* a one-CPU machine boots as before, without a word */
		kprintf("smp: %u CPU%s online\n", ncpus, ncpus == 1 ? "" : "s");
	if (cmdline_get(CONTRACT_WORD_RUNTIME_CPU, NULL, 0)) {
		if (ncpus > 1) {
			runtime_cpu = 1;
			kprintf("smp: CPU %u is the JIT runtime's, for its compiles\n", ncpus - 1);
		} else {
			kprintf("smp: no CPU to spare for the JIT runtime: its compiles share the "
				"program's\n");
		}
	}
}
