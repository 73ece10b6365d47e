/* COM1 serial port, polled. Bytes go out exactly as given: no newline translation. */
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "x86.h"

#define COM1 0x3f8
#define LSR_THR_EMPTY 0x20

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB on: set the divisor */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* A missing UART reads 0xff; never spin forever on one. */
		for (int spin = 0; spin < 100000 && !(inb(COM1 + 5) & LSR_THR_EMPTY); spin++)
			cpu_relax();
		outb(COM1, (uint8_t)s[i]);
	}
}
