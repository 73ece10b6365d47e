/* Kernel console: COM1 serial (binary-safe) mirrored on the VGA text screen. */
#ifndef BF_CONSOLE_H
#define BF_CONSOLE_H

#include <stddef.h>

/* Program COM1 (115200 8N1, FIFO on). Safe to call before anything else. */
void serial_init(void);
/* Write n raw bytes to COM1; no newline translation. */
void serial_write(const char *s, size_t n);

/* Clear the VGA text screen and start mirroring console output there. */
void vga_init(void);
/* Write n bytes to the VGA text screen, interpreting \n, \r, \t and \b. */
void vga_write(const char *s, size_t n);

/* Write n bytes to every console sink. Interrupt-safe (serializes sinks). */
void console_write(const char *s, size_t n);

#endif
