/* ACPI: the tables the firmware leaves (RSDP, RSDT/XSDT, FADT, MADT, MCFG),
 * found and checksummed once, and S5 power-off. */
#ifndef BF_ACPI_H
#define BF_ACPI_H

#include <stdint.h>

/* Find the ACPI \_S5 sleep type and PM1 control ports; returns 0 or -ENOENT. */
int acpi_init(void);
/* The ACPI table with this signature, checksum verified, or NULL. */
const void *acpi_find_table(const char *sig);
/* The first I/O APIC (physical address, first GSI) and the GSI and MPS
 * polarity/trigger flags of ISA interrupt `irq`, from the MADT. 0 or -ENOENT. */
int acpi_isa_irq(unsigned irq, uint64_t *ioapic, uint32_t *gsi_base, uint32_t *gsi, uint16_t *flags);
/* The local APIC IDs of the enabled processors in the MADT, in its order:
 * their count (which may exceed max; only max are stored), or -ENOENT
 * without a MADT. xAPIC entries only (x2APIC ones are for IDs past 254). */
int acpi_cpus(uint32_t *apic_ids, int max);
/* Enter ACPI S5 (soft off). Returns only if that is impossible. */
void acpi_poweroff(void);

#endif
