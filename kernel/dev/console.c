/* The kernel console: kprintf over COM1 and the VGA mirror. */
#include <stdarg.h>

#include "console.h"
#include "printf.h"
#include "x86.h"

void console_write(const char *s, size_t n)
{
	uint64_t flags = irq_save();

	serial_write(s, n);
	vga_write(s, n);
	irq_restore(flags);
}

static void console_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

int kvprintf(const char *fmt, va_list ap) { return kvformat(console_sink, NULL, fmt, ap); }

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
