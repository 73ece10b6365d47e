/* The kernel console: kprintf to the routed sinks, mirrored on VGA. */
#include <stdarg.h>

#include "console.h"
#include "hoststatus.h"
#include "printf.h"
#include "x86.h"

static unsigned route = CONSOLE_COM1;

void console_route(unsigned sinks) { route = sinks; }
unsigned console_routing(void) { return route; }

void console_write(const char *s, size_t n)
{
	uint64_t flags = irq_save();

	if (route & CONSOLE_LOG) /* first: the log is what cannot stall */
		debugcon_write(s, n);
	if (route & CONSOLE_COM1)
		streams_write(HOST_STREAM_STDOUT, s, n, NULL);
	if (route & CONSOLE_STDERR)
		streams_write(HOST_STREAM_STDERR, s, n, NULL);
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

int kreport(const char *fmt, ...)
{
	unsigned saved = route;
	va_list ap;

	if (route & CONSOLE_LOG)
		route |= CONSOLE_STDERR;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	route = saved;
	return n;
}
