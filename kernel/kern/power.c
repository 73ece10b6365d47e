/* Leaving the machine: QEMU's isa-debug-exit, else ACPI S5, else halt. */
#include "acpi.h"
#include "console.h"
#include "contract.h"
#include "kernel.h"
#include "printf.h"
#include "virtio_console.h"
#include "x86.h"


/* The exit port and the log line are the contract with the CLI (contract.h). */
void power_off(int status)
{
	char line[32];

	irq_disable();
	vcon_drain(); /* the program's last output, before QEMU goes */
	if (status < 0 || status > 255)
		status = EXIT_KERNEL_PANIC;
	/* QEMU's exit code has room for statuses 0..125 only; for larger ones
	 * (126 bad executable, 128+signal) the CLI reads this line from the log. */
	int n = ksnprintf(line, sizeof line, "\n" CONTRACT_STATUS_LINE "%d\n", status);
	debugcon_write(line, (size_t)n);
	outl(CONTRACT_EXIT_PORT, contract_exit_value(status));
	/* Still here: not under QEMU with isa-debug-exit. */
	kprintf("BareFlow: exit status %d; powering off via ACPI\n", status);
	acpi_poweroff();
	kprintf("BareFlow: ACPI power-off unavailable; halted. It is safe to turn the machine off.\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
