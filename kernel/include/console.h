/* Kernel console and the byte channels to the outside world. */
#ifndef BF_CONSOLE_H
#define BF_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COM1 0x3f8 /* the report console; a program's stdout (and stdin) */
#define COM2 0x2f8 /* a program's stderr, unless the CLI relays it on COM1 */
#define COM3 0x3e8 /* /dev/hostout: bytes for a host file (the CLI's --profile) */
#define COM4 0x2e8 /* input only: the CLI's reports of failed host writes (hoststatus.h) */

/* Program a 16550 UART (115200 8N1, FIFOs off) if there is one at port;
 * a port without one is left out of everything below. */
void serial_init(uint16_t port);
/* Write n raw bytes; no newline translation. Waits, without a limit, for as
 * long as the host does not take them; drops them if the port is missing. */
void serial_write(uint16_t port, const char *s, size_t n);
/* serial_write, calling idle() instead of spinning once the host has not
 * taken a byte for a while (cpu_wait_interrupt, from a system call). */
void serial_write_idle(uint16_t port, const char *s, size_t n, void (*idle)(void));
/* Whether serial_init found a UART at port. */
bool serial_present(uint16_t port);
/* Write n bytes of the program's stream (1 stdout, 2 stderr) to the host,
 * framed on virtio-console or COM1 when the CLI relays them (hoststatus.h),
 * else raw on COM1 or COM2. idle as for serial_write_idle. 0, or -EIO when
 * the virtio device has failed. */
int streams_write(int stream, const char *s, size_t n, void (*idle)(void));
/* The errno the CLI reported for stream 1 or 2 (its host fd failed), or 0.
 * It stays: a pipe without readers or a full device keeps failing. */
int streams_host_error(int stream);
/* Turn the 16-byte FIFOs on (emptying them), receive interrupt at 8 bytes. */
void serial_rx_fifo(uint16_t port);
/* Raise (or stop raising) an interrupt when a byte arrives. */
void serial_rx_irq(uint16_t port, bool on);
/* True if a received byte is waiting; serial_getc takes it. */
bool serial_ready(uint16_t port);
uint8_t serial_getc(uint16_t port);
/* Write n bytes to the debug console (port 0xe9): the kernel log. */
void debugcon_write(const char *s, size_t n);

/* Clear the VGA text screen and start mirroring console output there. */
void vga_init(void);
/* Write n bytes to the VGA text screen, interpreting \n, \r, \t and \b. */
void vga_write(const char *s, size_t n);

/* Where kernel messages (kprintf) go. While a program runs, COM1 is its
 * stdout, so kernel messages go to the log, and reports meant for the user
 * (a fault, a panic) to its stderr as well. */
#define CONSOLE_COM1 0x1u
#define CONSOLE_LOG 0x2u
#define CONSOLE_STDERR 0x4u
void console_route(unsigned sinks);
unsigned console_routing(void);

/* kprintf for messages meant for the user: while a program runs they go to
 * its stderr as well as the log. */
int kreport(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write n bytes to every sink in the current route (and the VGA mirror). */
void console_write(const char *s, size_t n);

#endif
