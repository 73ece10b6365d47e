/* The local APIC (each CPU's own: lapic.c; its timer is dev/timer.c's) and
 * the I/O APIC (ioapic.c), which routes device interrupts to it. */
#ifndef BF_APIC_H
#define BF_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* Map the local APIC (once) and enable this CPU's: spurious vector set,
 * every priority accepted. */
void lapic_cpu_init(void);
/* Read or write a register of this CPU's local APIC (byte offset). */
uint32_t lapic_read(unsigned reg);
void lapic_write(unsigned reg, uint32_t v);
/* Send an inter-processor interrupt: ICR low word `icr` (vector, delivery
 * mode, level) to the CPU with this APIC ID. False if the previous one was
 * never delivered (the ICR stayed busy). */
bool lapic_send(uint32_t apic_id, uint32_t icr);
#define ICR_FIXED 0x0000u
#define ICR_INIT 0x0500u
#define ICR_STARTUP 0x0600u
#define ICR_ASSERT 0x4000u
#define ICR_LEVEL 0x8000u
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
