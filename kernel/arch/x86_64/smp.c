/*
 * Starting the application processors: INIT-SIPI-SIPI through the
 * real-mode trampoline (trampoline.S), one CPU at a time.
 */
#include "smp.h"

#include "acpi.h"
#include "apic.h"
#include "cpu.h"
#include "kernel.h"
#include "kstring.h"
#include "panic.h"
#include "percpu.h"
#include "pmm.h"
#include "printf.h"
#include "smp_boot.h"
#include "timer.h"
#include "trap.h"
#include "vm.h"
#include "x86.h"

#define AP_BOOT_TIMEOUT_NS (2 * NS_PER_SEC)
#define SIPI_WAIT_NS (10 * 1000 * 1000)
/* An AP's memory: its kernel stack, then its three IST stacks. */
#define AP_STACK_SIZE 16384
#define AP_AREA_PAGES ((AP_STACK_SIZE + 3 * IST_STACK_SIZE) / PAGE_SIZE)

extern const char trampoline_start[], trampoline_end[];
extern const char tramp_cr3[], tramp_efer[], tramp_stack[], tramp_entry[], tramp_cpu[];

static unsigned ncpus = 1;

unsigned smp_cpus(void) { return ncpus; }
unsigned smp_cpu_id(void) { return this_cpu()->id; }

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
	lapic_cpu_init();
	lapic_timer_start();
	__atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
	for (;;)
		irq_enable_and_halt(); /* its timer's interrupts only, so far */
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
	uint64_t area = pmm_alloc_pages(AP_AREA_PAGES, PAGE_SIZE);

	if (!area)
		return false;
	cpu->stack_top = (uint64_t)(uintptr_t)phys_to_virt(area) + AP_STACK_SIZE;
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
	if (n > MAX_CPUS) {
		kprintf("smp: the MADT lists %d CPUs; only %d are used\n", n, MAX_CPUS);
		n = MAX_CPUS;
	}
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
	kprintf("smp: %u CPU%s online\n", ncpus, ncpus == 1 ? "" : "s");
}
