/* panic(): report a broken invariant with a backtrace and power off. */
#include <stdarg.h>

#include "console.h"
#include "kernel.h"
#include "ksyms.h"
#include "panic.h"
#include "printf.h"
#include "smp.h"
#include "x86.h"

/* Print the panic line and, from the given frame, a backtrace; power off. */
__attribute__((noreturn)) static void vpanic(const uint64_t *frame, const char *fmt, va_list ap)
{
	static int depth;

	irq_disable();
	smp_stop_others();
	if (depth++) { /* panicking while panicking: say so and stop */
		static const char msg[] = "\nBareFlow panic: nested panic, powering off\n";
		console_write(msg, sizeof msg - 1);
		power_off(EXIT_KERNEL_PANIC);
	}
	/* A program owns COM1 (its stdout), from the boot on when the command
	 * line says `run`: the panic is for its stderr and the kernel log. */
	if (console_routing() & CONSOLE_LOG)
		console_route(console_routing() | CONSOLE_STDERR);
	else if (cmdline_get(CONTRACT_WORD_RUN, NULL, 0))
		console_route(CONSOLE_LOG | CONSOLE_STDERR);
	kprintf("\nBareFlow panic: ");
	kvprintf(fmt, ap);
	kprintf("\n");
	if (frame) {
		kprintf("Backtrace:\n");
		ksyms_backtrace(frame[1] - 1, frame[0]);
	}
	power_off(EXIT_KERNEL_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* Start from our caller: its return address and its saved frame pointer. */
	vpanic(__builtin_frame_address(0), fmt, ap);
}

void panic_reported(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(NULL, fmt, ap);
}
