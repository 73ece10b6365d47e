/* PCI configuration space and enumeration: ECAM where ACPI's MCFG describes it
 * (QEMU -M q35), the 0xcf8/0xcfc ports otherwise (-M pc); BARs, capabilities
 * and MSI-X tables. */
#include <stdint.h>

#include "acpi.h"
#include "apic.h"
#include "kernel.h"
#include "kerrno.h"
#include "kstring.h"
#include "pci.h"
#include "printf.h"
#include "vm.h"
#include "x86.h"

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc

#define REG_ID 0x00
#define REG_COMMAND 0x04
#define REG_STATUS 0x06
#define REG_CLASS 0x08
#define REG_HEADER 0x0e
#define REG_BAR0 0x10
#define REG_SECONDARY_BUS 0x19
#define REG_CAP_PTR 0x34
#define REG_IRQ_LINE 0x3c
#define REG_IRQ_PIN 0x3d

#define CMD_IO (1u << 0)
#define CMD_MEMORY (1u << 1)
#define CMD_BUS_MASTER (1u << 2)
#define CMD_INTX_OFF (1u << 10)
#define STATUS_CAPS (1u << 4)

#define MSIX_ENABLE (1u << 15)
#define MSIX_FUNCTION_MASK (1u << 14)

static struct pci_dev devs[PCI_MAX_DEVICES];
static unsigned ndevs;
static bool scanned;

/* ECAM: one 1 MiB window per bus, mapped when first used. */
static struct {
	uint64_t base;
	uint8_t start, end;
	volatile uint8_t *bus[256];
} ecam;

static void ecam_init(void)
{
	const uint8_t *mcfg = acpi_find_table("MCFG");
	uint32_t len;

	if (!mcfg)
		return;
	memcpy(&len, mcfg + 4, 4);
	/* 36-byte header, 8 reserved bytes, then 16-byte allocations: base,
	 * segment group, first and last bus. Only segment 0 is used. */
	for (uint32_t off = 44; off + 16 <= len; off += 16) {
		uint16_t seg;
		memcpy(&seg, mcfg + off + 8, 2);
		if (seg)
			continue;
		memcpy(&ecam.base, mcfg + off, 8);
		ecam.start = mcfg[off + 10];
		ecam.end = mcfg[off + 11];
		return;
	}
}

/* The configuration space of bus:dev.fn under ECAM, or NULL for port I/O. */
static volatile uint8_t *ecam_cfg(uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (!ecam.base || bus < ecam.start || bus > ecam.end)
		return NULL;
	if (!ecam.bus[bus]) {
		uint64_t pa = ecam.base + ((uint64_t)(bus - ecam.start) << 20);
		ecam.bus[bus] = vm_map_mmio(pa, 1u << 20);
		if (!ecam.bus[bus])
			return NULL;
	}
	return ecam.bus[bus] + ((unsigned)dev << 15 | (unsigned)fn << 12);
}

static uint32_t port_addr(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc);
}

static uint32_t cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	volatile uint8_t *c = ecam_cfg(bus, dev, fn);
	if (c)
		return *(volatile uint32_t *)(c + off);
	uint64_t f = irq_save();
	outl(CFG_ADDR, port_addr(bus, dev, fn, off));
	uint32_t v = inl(CFG_DATA);
	irq_restore(f);
	return v;
}

static void cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, uint32_t v)
{
	volatile uint8_t *c = ecam_cfg(bus, dev, fn);
	if (c) {
		*(volatile uint32_t *)(c + off) = v;
		return;
	}
	uint64_t f = irq_save();
	outl(CFG_ADDR, port_addr(bus, dev, fn, off));
	outl(CFG_DATA, v);
	irq_restore(f);
}

uint32_t pci_read32(const struct pci_dev *d, unsigned off) { return cfg_read32(d->bus, d->dev, d->fn, off); }

uint16_t pci_read16(const struct pci_dev *d, unsigned off)
{
	return (uint16_t)(pci_read32(d, off & ~3u) >> (8 * (off & 2)));
}

uint8_t pci_read8(const struct pci_dev *d, unsigned off)
{
	return (uint8_t)(pci_read32(d, off & ~3u) >> (8 * (off & 3)));
}

void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v) { cfg_write32(d->bus, d->dev, d->fn, off, v); }

/* A read-modify-write of the dword. The command register shares its dword
 * with the status register, whose error bits clear when written as 1: they
 * are written as 0. */
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	unsigned shift = 8 * (off & 2);
	uint32_t old = pci_read32(d, off & ~3u);
	if ((off & ~3u) == REG_COMMAND)
		old &= 0xffff; /* status bits are write-1-to-clear */
	old &= ~(0xffffu << shift);
	pci_write32(d, off & ~3u, old | (uint32_t)v << shift);
}

bool pci_uses_ecam(void) { return ecam.base != 0; }

struct pci_dev *pci_get(unsigned i) { return i < ndevs ? &devs[i] : NULL; }

static void scan_bus(uint8_t bus, unsigned depth);

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id, unsigned depth)
{
	uint32_t class = cfg_read32(bus, dev, fn, REG_CLASS);
	uint32_t irq = cfg_read32(bus, dev, fn, REG_IRQ_LINE);
	uint8_t header = (uint8_t)(cfg_read32(bus, dev, fn, REG_HEADER & ~3u) >> 16) & 0x7f;

	if (ndevs < PCI_MAX_DEVICES)
		devs[ndevs++] = (struct pci_dev){
			.bus = bus, .dev = dev, .fn = fn,
			.vendor = (uint16_t)id, .device = (uint16_t)(id >> 16),
			.class = (uint8_t)(class >> 24), .subclass = (uint8_t)(class >> 16),
			.progif = (uint8_t)(class >> 8),
			.irq_line = (uint8_t)irq, .irq_pin = (uint8_t)(irq >> 8),
		};
	/* A PCI-to-PCI bridge: the bus behind it (as the firmware numbered it). */
	if (header == 1) {
		uint8_t secondary = (uint8_t)(cfg_read32(bus, dev, fn, REG_SECONDARY_BUS & ~3u) >> 8);
		if (secondary > bus && depth < 8)
			scan_bus(secondary, depth + 1);
	}
}

static void scan_bus(uint8_t bus, unsigned depth)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read32(bus, dev, 0, REG_ID);
		if ((uint16_t)id == 0xffff)
			continue;
		add_function(bus, dev, 0, id, depth);
		if (!(cfg_read32(bus, dev, 0, REG_HEADER & ~3u) & (0x80u << 16)))
			continue; /* not multi-function */
		for (uint8_t fn = 1; fn < 8; fn++) {
			id = cfg_read32(bus, dev, fn, REG_ID);
			if ((uint16_t)id != 0xffff)
				add_function(bus, dev, fn, id, depth);
		}
	}
}

unsigned pci_init(void)
{
	if (scanned)
		return ndevs;
	scanned = true;
	ecam_init();
	/* Without ECAM, a machine without the configuration mechanism #1 ports
	 * reads all ones: no devices. */
	scan_bus(ecam.base ? ecam.start : 0, 0);
	return ndevs;
}

const char *pci_name(const struct pci_dev *d)
{
	static const struct {
		uint16_t vendor, device;
		const char *name;
	} known[] = {
		{0x8086, 0x1237, "i440FX host bridge"}, {0x8086, 0x7000, "PIIX3 ISA bridge"},
		{0x8086, 0x7010, "PIIX3 IDE"},          {0x8086, 0x7113, "PIIX4 ACPI"},
		{0x8086, 0x29c0, "Q35 host bridge"},    {0x8086, 0x2918, "ICH9 LPC bridge"},
		{0x8086, 0x2922, "ICH9 AHCI"},          {0x8086, 0x2930, "ICH9 SMBus"},
		{0x1234, 0x1111, "standard VGA"},       {0x1b36, 0x000c, "PCIe root port"},
		{0x1af4, 0x1001, "virtio-blk"},         {0x1af4, 0x1042, "virtio-blk"},
		{0x1af4, 0x1003, "virtio-console"},     {0x1af4, 0x1043, "virtio-console"},
		{0x1af4, 0x1000, "virtio-net"},         {0x1af4, 0x1041, "virtio-net"},
		{0x1af4, 0x1110, "shared memory"},
	};
	static const char *const classes[] = {
		"unclassified", "storage", "network", "display", "multimedia", "memory",
		"bridge", "communication", "system", "input", "docking", "processor", "serial bus",
	};
	for (unsigned i = 0; i < sizeof known / sizeof known[0]; i++)
		if (known[i].vendor == d->vendor && known[i].device == d->device)
			return known[i].name;
	return d->class < sizeof classes / sizeof classes[0] ? classes[d->class] : "other";
}

unsigned pci_find_cap(const struct pci_dev *d, uint8_t id, unsigned after)
{
	if (!(pci_read16(d, REG_STATUS) & STATUS_CAPS))
		return 0;
	unsigned off = after ? pci_read8(d, after + 1) : pci_read8(d, REG_CAP_PTR);
	/* 48 entries fit in the 192 bytes after the header: more is a loop. */
	for (int n = 0; n < 48 && off >= 0x40 && off < 0x100; n++) {
		off &= ~3u;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

/* The base address in BAR `bar`, 0 for an I/O or unassigned one. */
static uint64_t memory_bar_base(const struct pci_dev *d, unsigned bar)
{
	uint32_t lo = pci_read32(d, REG_BAR0 + 4 * bar);
	bool is64 = ((lo >> 1) & 3) == 2 && bar < 5;
	if (lo & 1)
		return 0;
	uint64_t hi = is64 ? pci_read32(d, REG_BAR0 + 4 * bar + 4) : 0;
	return (hi << 32 | lo) & ~15ull;
}

/* Sizing writes all ones and reads back the writable bits; decoding is off
 * meanwhile so the probe address decodes nowhere. */
int pci_bar(const struct pci_dev *d, unsigned bar, uint64_t *base, uint64_t *len, bool *io)
{
	if (bar > 5)
		return -EINVAL;
	unsigned reg = REG_BAR0 + 4 * bar;
	uint32_t lo = pci_read32(d, reg);
	bool is64 = !(lo & 1) && ((lo >> 1) & 3) == 2 && bar < 5;
	uint32_t hi = is64 ? pci_read32(d, reg + 4) : 0;

	*io = lo & 1;
	uint16_t cmd = pci_read16(d, REG_COMMAND);
	pci_write16(d, REG_COMMAND, cmd & ~(CMD_IO | CMD_MEMORY));
	pci_write32(d, reg, 0xffffffffu);
	uint32_t mlo = pci_read32(d, reg), mhi = 0xffffffffu;
	pci_write32(d, reg, lo);
	if (is64) {
		pci_write32(d, reg + 4, 0xffffffffu);
		mhi = pci_read32(d, reg + 4);
		pci_write32(d, reg + 4, hi);
	}
	pci_write16(d, REG_COMMAND, cmd);
	uint64_t mask = ((uint64_t)mhi << 32) | (mlo & (*io ? ~3u : ~15u));
	if (*io)
		mask |= 0xffffffff00000000ull | 0xffff0000u;
	*len = mask ? ~mask + 1 : 0;
	*base = (((uint64_t)hi << 32) | lo) & (*io ? ~3ull : ~15ull);
	return 0;
}

void *pci_map_bar(const struct pci_dev *d, unsigned bar, uint64_t off, uint64_t len)
{
	uint64_t base = bar > 5 ? 0 : memory_bar_base(d, bar);

	if (!base || !len || base + off < base)
		return NULL;
	uint16_t cmd = pci_read16(d, REG_COMMAND);
	if ((cmd & (CMD_MEMORY | CMD_BUS_MASTER)) != (CMD_MEMORY | CMD_BUS_MASTER))
		pci_write16(d, REG_COMMAND, cmd | CMD_MEMORY | CMD_BUS_MASTER);
	return vm_map_mmio(base + off, len);
}

void *pci_map_memory_bar(const struct pci_dev *d, unsigned bar, uint64_t *base, uint64_t *len)
{
	bool io;

	if (pci_bar(d, bar, base, len, &io) || io || !*base || !*len)
		return NULL;
	uint16_t cmd = pci_read16(d, REG_COMMAND);
	if (!(cmd & CMD_MEMORY))
		pci_write16(d, REG_COMMAND, cmd | CMD_MEMORY);
	return vm_map_device_memory(*base, *len);
}

unsigned pci_msix_count(const struct pci_dev *d)
{
	unsigned cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	return cap ? (pci_read16(d, cap + 2) & 0x7ffu) + 1 : 0;
}

int pci_msix_route(struct pci_dev *d, unsigned entry, unsigned vector)
{
	unsigned cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	if (!cap)
		return -ENOENT;
	uint16_t ctl = pci_read16(d, cap + 2);
	if (entry > (ctl & 0x7ffu))
		return -EINVAL;
	if (!d->msix) {
		uint32_t table = pci_read32(d, cap + 4);
		d->msix = pci_map_bar(d, table & 7, table & ~7u, 16ull * ((ctl & 0x7ffu) + 1));
		if (!d->msix)
			return -ENOMEM;
	}
	volatile uint32_t *e = d->msix + 4 * entry;
	/* Function-masked while the entry changes; then a fixed-delivery,
	 * edge-triggered message to this CPU's local APIC. */
	pci_write16(d, cap + 2, ctl | MSIX_ENABLE | MSIX_FUNCTION_MASK);
	e[0] = 0xfee00000u | lapic_id() << 12;
	e[1] = 0;
	e[2] = vector;
	e[3] = 0; /* unmasked */
	pci_write16(d, REG_COMMAND, pci_read16(d, REG_COMMAND) | CMD_INTX_OFF);
	pci_write16(d, cap + 2, (ctl | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK);
	return 0;
}

void pci_msix_disable(const struct pci_dev *d)
{
	unsigned cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	if (cap)
		pci_write16(d, cap + 2, pci_read16(d, cap + 2) & ~MSIX_ENABLE);
}

int pci_intx_route(const struct pci_dev *d, unsigned vector)
{
	if (!d->irq_pin || d->irq_line == 0xff || d->irq_line == 0)
		return -ENOENT;
	pci_write16(d, REG_COMMAND, pci_read16(d, REG_COMMAND) & ~CMD_INTX_OFF);
	return ioapic_route_gsi(d->irq_line, vector, true);
}
