/* 16550 serial ports, polled. Bytes go out exactly as given: no newline
 * translation, so a program's binary output survives. */
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "x86.h"

#define LSR_THR_EMPTY 0x20
#define SPINS_BEFORE_IDLE 1000 /* a fraction of a millisecond under QEMU */

static uint16_t present[4]; /* the ports serial_init found */

bool serial_present(uint16_t port)
{
	for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
		if (present[i] == port)
			return true;
	return false;
}

/* A missing UART reads 0xff everywhere, so the scratch register cannot hold
 * a value. */
static bool probe(uint16_t port)
{
	outb(port + 7, 0x5a);
	return inb(port + 7) == 0x5a;
}

void serial_init(uint16_t port)
{
	if (!probe(port))
		return;
	for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
		if (!present[i]) {
			present[i] = port;
			break;
		}
	outb(port + 1, 0x00); /* no interrupts */
	outb(port + 3, 0x80); /* DLAB on: set the divisor */
	outb(port + 0, 0x01); /* 115200 baud */
	outb(port + 1, 0x00);
	outb(port + 3, 0x03); /* 8N1, DLAB off */
	/* FIFOs stay off until serial_rx_fifo: turning them on empties them. */
	outb(port + 4, 0x03); /* DTR, RTS */
}

/*
 * The transmitter is busy for as long as the host is not taking bytes (QEMU
 * keeps the holding register full while its backend cannot write). Waiting
 * for it is the back-pressure that makes a slow reader slow the program down
 * instead of losing output, so there is no time limit: the CLI's --timeout
 * ends a run that waits forever. A short wait is spun out; a longer one means
 * the host's reader is behind, and idle (if given) lets the CPU rest.
 */
void serial_write_idle(uint16_t port, const char *s, size_t n, void (*idle)(void))
{
	if (!serial_present(port))
		return;
	for (size_t i = 0; i < n; i++) {
		for (unsigned spin = 0; !(inb(port + 5) & LSR_THR_EMPTY); spin++)
			if (idle && spin >= SPINS_BEFORE_IDLE)
				idle();
			else
				cpu_relax();
		outb(port, (uint8_t)s[i]);
	}
}

void serial_write(uint16_t port, const char *s, size_t n)
{
	serial_write_idle(port, s, n, NULL);
}

/* QEMU's (and Bochs') debug console: one port, no status to poll. */
void debugcon_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outb(0xe9, (uint8_t)s[i]);
}

void serial_rx_fifo(uint16_t port)
{
	outb(port + 2, 0x87); /* FIFOs on and emptied; interrupt at 8 bytes or a pause */
}

void serial_rx_irq(uint16_t port, bool on)
{
	outb(port + 1, on ? 0x01 : 0x00); /* received-data interrupt */
	outb(port + 4, on ? 0x0b : 0x03); /* OUT2 gates the line on PCs */
}

bool serial_ready(uint16_t port) { return serial_present(port) && (inb(port + 5) & 0x01); }

uint8_t serial_getc(uint16_t port) { return inb(port); }
