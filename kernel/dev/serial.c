/* 16550 serial ports, polled. Bytes go out exactly as given: no newline
 * translation, so a program's binary output survives. */
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "x86.h"

#define LSR_THR_EMPTY 0x20

void serial_init(uint16_t port)
{
	outb(port + 1, 0x00); /* no interrupts */
	outb(port + 3, 0x80); /* DLAB on: set the divisor */
	outb(port + 0, 0x01); /* 115200 baud */
	outb(port + 1, 0x00);
	outb(port + 3, 0x03); /* 8N1, DLAB off */
	/* FIFOs stay off until serial_rx_fifo: turning them on empties them. */
	outb(port + 4, 0x03); /* DTR, RTS */
}

void serial_write(uint16_t port, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* A missing UART reads 0xff; never spin forever on one. */
		for (int spin = 0; spin < 100000 && !(inb(port + 5) & LSR_THR_EMPTY); spin++)
			cpu_relax();
		outb(port, (uint8_t)s[i]);
	}
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

bool serial_ready(uint16_t port) { return inb(port + 5) & 0x01; }

uint8_t serial_getc(uint16_t port) { return inb(port); }
