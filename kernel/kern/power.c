/* Leaving the machine: QEMU's isa-debug-exit, else ACPI S5, else halt. */
#include "console.h"
#include "kernel.h"
#include "printf.h"
#include "virtio_console.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4
#define EXIT_SEE_LOG 127 /* QEMU exits 255: the status is in the log */

/* QEMU's isa-debug-exit turns a write of v into exit status (v << 1) | 1. We
 * write status + 1, so QEMU exits with 2 * status + 3: never 1, which QEMU
 * itself uses for its own errors, and never 0, which a triple fault or an
 * ACPI power-off gives. The CLI maps it back (tools/cli/qemu.c). */
void power_off(int status)
{
	char line[32];

	irq_disable();
	vcon_drain(); /* the program's last output, before QEMU goes */
	if (status < 0 || status > 255)
		status = EXIT_KERNEL_PANIC;
	/* QEMU's exit code has room for statuses 0..125 only; for larger ones
	 * (126 bad executable, 128+signal) the CLI reads this line from the log. */
	int n = ksnprintf(line, sizeof line, "\nbareflow-exit-status %d\n", status);
	debugcon_write(line, (size_t)n);
	outl(DEBUG_EXIT_PORT, status <= 125 ? (uint32_t)status + 1 : EXIT_SEE_LOG);
	/* Still here: not under QEMU with isa-debug-exit. */
	kprintf("BareFlow: exit status %d; powering off via ACPI\n", status);
	acpi_poweroff();
	kprintf("BareFlow: ACPI power-off unavailable; halted. It is safe to turn the machine off.\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
