/* Leaving the machine: QEMU's isa-debug-exit, else ACPI S5, else halt. */
#include "kernel.h"
#include "printf.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4

/* QEMU's isa-debug-exit turns a write of v into exit status (v << 1) | 1. We
 * write status + 1, so QEMU exits with 2 * status + 3: never 1, which QEMU
 * itself uses for its own errors, and never 0, which a triple fault or an
 * ACPI power-off gives. The CLI maps it back. */
void power_off(int status)
{
	irq_disable();
	if (status < 0 || status > 126)
		status = EXIT_KERNEL_PANIC;
	outl(DEBUG_EXIT_PORT, (uint32_t)status + 1);
	/* Still here: not under QEMU with isa-debug-exit. */
	kprintf("BareFlow: exit status %d; powering off via ACPI\n", status);
	acpi_poweroff();
	kprintf("BareFlow: ACPI power-off unavailable; halted. It is safe to turn the machine off.\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
