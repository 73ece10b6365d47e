/* PCI: configuration space (ECAM from ACPI's MCFG, else ports 0xcf8/0xcfc),
 * the devices found on the buses, their BARs, capabilities and MSI-X. */
#ifndef BF_PCI_H
#define BF_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_DEVICES 64

#define PCI_CAP_MSIX 0x11
#define PCI_CAP_VENDOR 0x09

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, progif;
	uint8_t irq_pin;  /* 1..4 for INTA..INTD, 0 for none */
	uint8_t irq_line; /* what the firmware routed the pin to (0xff: none) */
	volatile uint32_t *msix; /* the MSI-X table, once mapped */
};

/* Find every function on bus 0 and the buses behind its bridges. Returns the
 * number found. Idempotent. */
unsigned pci_init(void);
/* True when configuration space is reached through ECAM (MCFG). */
bool pci_uses_ecam(void);
/* The i-th function found, or NULL. */
struct pci_dev *pci_get(unsigned i);
/* A short name for a known vendor:device ("virtio-blk"), else the class's
 * ("bridge", "display", ...). Never NULL. */
const char *pci_name(const struct pci_dev *d);

/* Configuration space access; off must be aligned to the width. */
uint32_t pci_read32(const struct pci_dev *d, unsigned off);
uint16_t pci_read16(const struct pci_dev *d, unsigned off);
uint8_t pci_read8(const struct pci_dev *d, unsigned off);
void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v);
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v);

/* The offset of the first capability with this ID after offset `after` (0:
 * from the start of the list), or 0 if there is none. The walk stops at a
 * malformed list (a loop or an offset inside the header). */
unsigned pci_find_cap(const struct pci_dev *d, uint8_t id, unsigned after);

/* Size BAR `bar` (0..5) and report its physical base and length (0 when
 * unimplemented); *io is set for an I/O-port BAR. 0 or -EINVAL. Decoding is
 * off meanwhile, which under QEMU's TCG costs milliseconds: drivers that know
 * their register ranges map them with pci_map_bar instead. */
int pci_bar(const struct pci_dev *d, unsigned bar, uint64_t *base, uint64_t *len, bool *io);
/* Map len bytes at offset off of memory BAR `bar` (where the firmware put
 * it; not sized) uncached, enabling memory decoding and bus mastering.
 * Returns the address, or NULL (an I/O BAR, an unassigned one, or no
 * address space left). */
void *pci_map_bar(const struct pci_dev *d, unsigned bar, uint64_t off, uint64_t len);
/* Map the whole of memory BAR `bar`, sized first, as memory that behaves
 * like RAM (vm_map_device_memory: read-only, write-back), enabling memory
 * decoding; *base and *len are its physical address and length. NULL for
 * an I/O BAR, an unassigned one, or no address space left. */
void *pci_map_memory_bar(const struct pci_dev *d, unsigned bar, uint64_t *base, uint64_t *len);

/* MSI-X: the number of table entries (0 without the capability). */
unsigned pci_msix_count(const struct pci_dev *d);
/* Point table entry `entry` at `vector` on this CPU and unmask it, then enable
 * MSI-X (turning INTx off). 0, -ENOENT without MSI-X, -EINVAL for an entry
 * past the table, -ENOMEM if the table cannot be mapped. */
int pci_msix_route(struct pci_dev *d, unsigned entry, unsigned vector);

/* Turn MSI-X off again (INTx is then the function's interrupt). */
void pci_msix_disable(const struct pci_dev *d);

/* Route the function's INTx pin to `vector` through the I/O APIC (level
 * triggered, the GSI the firmware wrote to the interrupt line register).
 * 0, -ENOENT without a pin or a routed line. */
int pci_intx_route(const struct pci_dev *d, unsigned vector);

#endif
