/* Interrupt descriptor table: all 256 vectors, with IST stacks for #DF, NMI
 * and #MC; the legacy 8259 PIC is remapped away from the exceptions and masked. */
#include <stdint.h>

#include "segments.h"
#include "trap.h"
#include "x86.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __attribute__((packed));

extern const uint64_t trap_vectors[256];
static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned v, uint8_t ist, uint8_t dpl)
{
	uint64_t off = trap_vectors[v];

	idt[v] = (struct idt_gate){
		.off_lo = off & 0xffff,
		.sel = SEL_KCODE,
		.ist = ist,
		.type = 0x8e | (dpl << 5), /* present, 64-bit interrupt gate */
		.off_mid = off >> 16 & 0xffff,
		.off_hi = off >> 32,
	};
}

/* Remap the PIC to vectors 32..47 (its power-on default, 8..15, collides with
 * exceptions) and mask every line: the LAPIC delivers our interrupts. A masked
 * PIC can still raise spurious IRQ 7/15; trap.c ignores those. */
static void pic_disable(void)
{
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, IRQ_BASE);
	outb(0xa1, IRQ_BASE + 8);
	outb(0x21, 4);
	outb(0xa1, 2);
	outb(0x21, 1);
	outb(0xa1, 1);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

static struct {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed)) idtr;

void idt_load(void) { __asm__ volatile("lidt %0" : : "m"(idtr) : "memory"); }

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, 0, 0);
	set_gate(T_DF, 1, 0);
	set_gate(T_NMI, 2, 0);
	set_gate(T_MC, 3, 0);
	set_gate(T_BP, 0, 3); /* int3 allowed from ring 3 */
	set_gate(0x80, 0, 3); /* int $0x80 too: i386 system calls (syscall_ia32.c) */

	idtr.limit = sizeof idt - 1;
	idtr.base = (uint64_t)(uintptr_t)idt;
	idt_load();
	pic_disable();
}
