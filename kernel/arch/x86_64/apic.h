/* The local APIC (this CPU's: kernel/dev/timer.c, which also runs its
 * timer) and the I/O APIC (ioapic.c), which routes device interrupts to it. */
#ifndef BF_APIC_H
#define BF_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* Acknowledge the interrupt being handled. */
void lapic_eoi(void);
/* This CPU's local APIC ID. */
uint32_t lapic_id(void);

/* Route ISA interrupt `irq` to `vector` on this CPU through the I/O APIC;
 * the handler must call lapic_eoi. 0, or -ENOENT without an I/O APIC. */
int ioapic_route_isa(unsigned irq, unsigned vector);
/* Route global system interrupt `gsi` (a PCI INTx line) to `vector` on this
 * CPU: level-triggered when `level` (active low, as PCI's are), else edge.
 * 0, or -ENOENT without an I/O APIC or with a GSI past its pins. */
int ioapic_route_gsi(unsigned gsi, unsigned vector, bool level);

#endif
