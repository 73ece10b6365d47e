/* The I/O APIC: routes ISA and PCI interrupts to vectors on the boot CPU. */
#include <stdint.h>

#include "acpi.h"
#include "apic.h"
#include "kernel.h"
#include "kerrno.h"
#include "vm.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_VER 0x01
#define REG_REDIR(n) (0x10 + 2 * (n))

#define REDIR_LOW_ACTIVE (1u << 13)
#define REDIR_LEVEL (1u << 15)

static volatile uint32_t *ioapic;

static uint32_t reg_read(uint32_t r)
{
	ioapic[IOREGSEL / 4] = r;
	return ioapic[IOWIN / 4];
}

static void reg_write(uint32_t r, uint32_t v)
{
	ioapic[IOREGSEL / 4] = r;
	ioapic[IOWIN / 4] = v;
}

/* Program the redirection entry of `gsi` with the low word `low`. */
static int route(uint64_t pa, uint32_t base, uint32_t gsi, uint32_t low)
{
	if (!ioapic && !(ioapic = vm_map_mmio(pa, 4096)))
		return -ENOMEM;
	uint32_t pins = ((reg_read(REG_VER) >> 16) & 0xff) + 1;
	if (gsi < base || gsi - base >= pins)
		return -ENOENT;
	reg_write(REG_REDIR(gsi - base) + 1, lapic_id() << 24); /* to this CPU */
	reg_write(REG_REDIR(gsi - base), low);
	return 0;
}

int ioapic_route_isa(unsigned irq, unsigned vector)
{
	uint64_t pa;
	uint32_t base, gsi;
	uint16_t flags;

	if (acpi_isa_irq(irq, &pa, &base, &gsi, &flags))
		return -ENOENT;
	/* ISA defaults are edge-triggered, active high; MPS flags may override:
	 * polarity in bits 0-1 (3 = low), trigger in bits 2-3 (3 = level). */
	uint32_t low = vector;
	if ((flags & 3) == 3)
		low |= REDIR_LOW_ACTIVE;
	if (((flags >> 2) & 3) == 3)
		low |= REDIR_LEVEL;
	return route(pa, base, gsi, low);
}

int ioapic_route_gsi(unsigned gsi, unsigned vector, bool level)
{
	uint64_t pa;
	uint32_t base, isa_gsi;
	uint16_t flags;

	/* Any ISA lookup yields the I/O APIC's address and first GSI. */
	if (acpi_isa_irq(0, &pa, &base, &isa_gsi, &flags))
		return -ENOENT;
	return route(pa, base, gsi, vector | (level ? REDIR_LEVEL | REDIR_LOW_ACTIVE : 0));
}
