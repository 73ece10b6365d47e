/* kmain: the map of the system, one line per step in the order they must run. */
#include "acpi.h"
#include "console.h"
#include "cpu.h"
#include "heap.h"
#include "kernel.h"
#include "kstring.h"
#include "ktest.h"
#include "pci.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"
#include "smp.h"
#include "timer.h"
#include "trap.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "vm.h"

void kmain(uint64_t magic, uint64_t info_phys);
void kmain(uint64_t magic, uint64_t info_phys)
{
	char arg[64];
	int status = 0;

	serial_init(COM1);                   /* COM1 first: every later failure can be reported */
	serial_init(COM2);                   /* a program's stderr */
	serial_init(COM3);                   /* /dev/hostout, when the CLI connects it */
	serial_init(COM4);                   /* failed host writes, when the CLI reports them */
	vga_init();                          /* mirror the console on the screen */
	gdt_init();                          /* segments, TSS and IST stacks */
	idt_init();                          /* exception handlers before anything can fault */
	cpu_init();                          /* CPUID; SSE, XSAVE and AVX state */
	boot_info_init(magic, info_phys);    /* copy and check the loader's information */
	pmm_init(&boot_info);                /* physical pages from the memory map */
	vm_init(&boot_info);                 /* final page tables: higher half, direct map, NX */
	heap_init();                         /* kmalloc */
	timer_calibrate();                   /* TSC and LAPIC timer rates against the PIT */
	lapic_timer_init();                  /* periodic tick; interrupts on */
	acpi_init();                         /* power-off path for machines without QEMU's exit port */
	syscall_init();                      /* SYSCALL/SYSRET for ring 3 */
	bool run = cmdline_get(CONTRACT_WORD_RUN, arg, sizeof arg);
	if (run)                             /* COM1 is to be the program's stdout: */
		console_route(CONSOLE_LOG);  /* kernel messages to the log from here */
	smp_init();                          /* the other CPUs: online, idle in hlt */
	if (pci_init()) {                    /* PCI functions (ECAM or the 0xcf8 ports) */
		virtio_blk_init();           /* disks: vda, vdb, ... */
		vcon_init();                 /* the program's streams, if the CLI attached it */
	}

	if (run)
		power_off(run_program());
	kprintf("BareFlow x86-64 unikernel\n");
	if (cmdline_get(CONTRACT_WORD_SELFTEST, arg, sizeof arg))
		status = ktest_run(arg) ? 1 : 0;
	else if (cmdline_get("crash", arg, sizeof arg))
		demo_crash(arg);
	else if (!cmdline_get("demo", arg, sizeof arg) || strcmp(arg, "banner"))
		demo_boot_report();
	power_off(status);
}
