/* The default demo (a boot report) and deliberate crashes for fault-report tests. */
#include "cpu.h"
#include "heap.h"
#include "kernel.h"
#include "kstring.h"
#include "panic.h"
#include "pci.h"
#include "pmm.h"
#include "printf.h"
#include "smp.h"
#include "spinlock.h"
#include "task.h"
#include "timer.h"
#include "vm.h"

extern char __image_phys_start[], __image_phys_end[];

static void print_size(uint64_t bytes)
{
	if (bytes >= (1ull << 30) && !(bytes & ((1ull << 30) - 1)))
		kprintf("%lu GiB", bytes >> 30);
	else if (bytes >= (1ull << 20))
		kprintf("%lu MiB", bytes >> 20);
	else
		kprintf("%lu KiB", bytes >> 10);
}

static void report_memory(void)
{
	kprintf("Memory map:\n");
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct boot_mem_range *r = &boot_info.mem[i];
		kprintf("  %016lx-%016lx  %-16s ", r->base, r->base + r->len - 1,
			bootinfo_mem_type_name(r->type));
		print_size(r->len);
		kprintf("\n");
	}
	kprintf("Usable RAM: %lu MiB managed, %lu MiB free; kernel image %lx-%lx; page tables %lu pages\n",
		pmm_total_count() * PAGE_SIZE >> 20, pmm_free_count() * PAGE_SIZE >> 20,
		(uint64_t)(uintptr_t)__image_phys_start, (uint64_t)(uintptr_t)__image_phys_end,
		vm_table_pages());
	for (unsigned i = 0; i < boot_info.nmod; i++)
		kprintf("Module %u: %lx-%lx \"%s\"\n", i, boot_info.mod[i].start, boot_info.mod[i].end,
			boot_info.mod[i].cmdline);
}

static void report_pci(void)
{
	kprintf("PCI devices (configuration through %s):\n",
		pci_uses_ecam() ? "ECAM, from the ACPI MCFG table" : "ports 0xcf8/0xcfc");
	for (unsigned i = 0; pci_get(i); i++) {
		const struct pci_dev *d = pci_get(i);
		kprintf("  %02x:%02x.%x  %04x:%04x  class %02x.%02x  %s\n", d->bus, d->dev, d->fn,
			d->vendor, d->device, d->class, d->subclass, pci_name(d));
	}
}

void demo_boot_report(void)
{
	const struct cpu_info *c = cpu_get();
	char features[512];
	uint64_t mhz100 = tsc_hz() / 10000;

	cpu_feature_string(features, sizeof features);
	if (boot_info.protocol == BOOT_PVH)
		kprintf("Boot: PVH (QEMU direct boot)");
	else
		kprintf("Boot: Multiboot2 via %s", boot_info.loader[0] ? boot_info.loader : "an unnamed loader");
	kprintf(", command line \"%s\"\n", boot_info.cmdline);
	kprintf("CPU: %s \"%s\" family %u model %u stepping %u\n", c->vendor, c->brand, c->family,
		c->model, c->stepping);
	kprintf("Features: %s\n", features);
	kprintf("Vector state: XCR0=%#lx, XSAVE area %u bytes, NX %s\n", c->xcr0, c->xsave_size,
		vm_has_nx() ? "enforced" : "unavailable");
	kprintf("TSC: %lu.%02lu MHz (calibrated against the PIT); LAPIC timer at %u Hz\n",
		mhz100 / 100, mhz100 % 100, TIMER_HZ);
	report_memory();
	report_pci();
}

/* Each crash lives in its own function so the backtrace names it. */
__attribute__((noinline)) static void demo_crash_pf(void)
{
	*(volatile uint64_t *)0x10 = 0xbad;
}

__attribute__((noinline)) static void demo_crash_ud(void) { __asm__ volatile("ud2"); }

__attribute__((noinline)) static void demo_crash_gp(void)
{
	/* A non-canonical address faults with #GP, not #PF. */
	*(volatile uint64_t *)0x8000000000000000ull = 1;
}

/* Written in assembly: C leaves division by zero undefined, so the compiler
 * could legally skip it. */
__attribute__((noinline)) static void demo_crash_de(void)
{
	__asm__ volatile("xor %%edx, %%edx\n\t"
			 "mov $100, %%eax\n\t"
			 "divl %0"
			 :
			 : "r"(0)
			 : "rax", "rdx");
}

/* Unbounded recursion runs into the guard page below the kernel stack; the
 * #PF cannot be delivered on that stack, so the CPU raises #DF, which runs on
 * its own IST stack. */
__attribute__((noinline)) static uint64_t demo_crash_df(volatile uint64_t n)
{
	volatile uint8_t pad[512];
	pad[n & 511] = (uint8_t)n;
	if (n == ~0ull) /* never true; keeps the compiler from calling this a bug */
		return 0;
	return demo_crash_df(n + 1) + pad[0];
}

/* The same recursion on a thread's kernel stack, as the CPU's current
 * thread: the guard page below that stack stops it. */
__attribute__((noinline)) static void demo_crash_kstack(void)
{
	struct thread *t = thread_alloc(NULL);

	if (!t)
		panic("demo: no memory for a thread");
	t->tid = 77;
	this_cpu()->thread = t;
	/* Onto its stack: only assembly can move RSP. */
	__asm__ volatile("mov %0, %%rsp\n\txor %%edi, %%edi\n\tcall *%1"
			 : : "r"(t->kstack_top), "r"(demo_crash_df) : "rdi", "memory");
	__builtin_unreachable();
}

/* Heap corruption is never "recovered" from: a double free is a panic. */
__attribute__((noinline)) static void demo_crash_double_free(void)
{
	void *p = kmalloc(100);
	kfree(p);
	kfree(p);
}

/* Taking locks against their rank order panics at once, naming both. */
__attribute__((noinline)) static void demo_crash_lock_order(void)
{
	static struct spinlock outer = SPINLOCK_INIT("demo_outer", LOCK_RANK_PMM);
	static struct spinlock inner = SPINLOCK_INIT("demo_inner", LOCK_RANK_HEAP);

	spin_lock(&outer);
	spin_lock(&inner);
}

static void demo_ud_there(void *arg) { demo_crash_ud(); }

/* An exception on another CPU is reported like one on CPU 0 (--cpus 2). */
__attribute__((noinline)) static void demo_crash_ap_ud(void)
{
	if (smp_work_start(1, demo_ud_there, NULL))
		panic("demo: crash=ap-ud needs a second CPU (--cpus 2)");
	smp_work_wait(1, 10 * NS_PER_SEC);
}

void demo_crash(const char *kind)
{
	kprintf("Crashing on purpose: crash=%s\n", kind);
	if (!strcmp(kind, "pf"))
		demo_crash_pf();
	else if (!strcmp(kind, "ud"))
		demo_crash_ud();
	else if (!strcmp(kind, "gp"))
		demo_crash_gp();
	else if (!strcmp(kind, "de"))
		demo_crash_de();
	else if (!strcmp(kind, "df"))
		demo_crash_df(0);
	else if (!strcmp(kind, "kstack"))
		demo_crash_kstack();
	else if (!strcmp(kind, "double-free"))
		demo_crash_double_free();
	else if (!strcmp(kind, "lock-order"))
		demo_crash_lock_order();
	else if (!strcmp(kind, "ap-ud"))
		demo_crash_ap_ud();
	panic("demo: unknown crash kind \"%s\" (pf, ud, gp, de, df, kstack, double-free, lock-order, ap-ud)",
	      kind);
}
