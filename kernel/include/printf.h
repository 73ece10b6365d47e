/* Formatted output: the kernel's printf family (no floating point). */
#ifndef BF_PRINTF_H
#define BF_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into buf (always NUL-terminated when size > 0). Returns the length the
 * full output would have had, like C99 vsnprintf. Supports flags "-0+ #",
 * width and precision (numbers or *), length modifiers hh h l ll z j t, and
 * conversions d i u x X o c s p %. Unknown conversions are printed verbatim.
 * %s with NULL prints "(null)".
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sink-based formatting: calls out(ctx, s, n) for each chunk; returns the
 * number of bytes produced. The kernel console is built on this. */
typedef void (*kfmt_out_fn)(void *ctx, const char *s, size_t n);
int kvformat(kfmt_out_fn out, void *ctx, const char *fmt, va_list ap);

/* Print to the kernel console (serial COM1 and the VGA mirror). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

#endif
