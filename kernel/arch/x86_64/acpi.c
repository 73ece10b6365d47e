/* Just enough ACPI to power off a real machine and route an interrupt:
 * RSDP -> RSDT/XSDT -> FADT for the PM1 control ports, the \_S5 package in the
 * DSDT for SLP_TYP, and the MADT for the I/O APIC and ISA overrides. */
#include <stdint.h>

#include "acpi.h"
#include "kernel.h"
#include "kerrno.h"
#include "kstring.h"
#include "printf.h"
#include "vm.h"
#include "x86.h"

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static struct {
	uint16_t pm1a, pm1b;     /* PM1 control block I/O ports */
	uint16_t slp_typa, slp_typb;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	int ready;
} acpi;

static int checksum_ok(const void *p, uint32_t len)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

/* Physical memory is only readable below the direct map's end. */
static const void *phys(uint64_t pa, uint64_t len)
{
	if (!pa || pa + len < pa || pa + len > DIRECT_MAP_MAX)
		return NULL;
	return vm_lookup(vm_kernel(), (uintptr_t)phys_to_virt(pa), NULL, NULL) ? NULL : phys_to_virt(pa);
}

static const uint8_t *scan_rsdp(uint64_t base, uint64_t len)
{
	for (uint64_t a = base; a + 20 <= base + len; a += 16) {
		const uint8_t *p = phys(a, 20);
		if (p && !memcmp(p, "RSD PTR ", 8) && checksum_ok(p, 20))
			return p;
	}
	return NULL;
}

static const uint8_t *find_rsdp(void)
{
	if (boot_info.rsdp_len)
		return boot_info.rsdp;
	if (boot_info.rsdp_phys)
		return phys(boot_info.rsdp_phys, 36);
	const uint16_t *ebda_seg = phys(0x40e, 2);
	const uint8_t *r = ebda_seg ? scan_rsdp((uint64_t)*ebda_seg << 4, 1024) : NULL;
	return r ? r : scan_rsdp(0xe0000, 0x20000);
}

static const struct sdt_header *table_at(uint64_t pa)
{
	const struct sdt_header *h = phys(pa, sizeof *h);
	if (!h || h->length < sizeof *h || !phys(pa, h->length) || !checksum_ok(h, h->length))
		return NULL;
	return h;
}

/* Walk the RSDT (4-byte entries) or XSDT (8-byte entries) for signature sig. */
static const struct sdt_header *find_table(const uint8_t *rsdp, const char *sig)
{
	uint64_t root = 0;
	unsigned width = 4;
	if (rsdp[15] >= 2 && (boot_info.rsdp_len == 0 || boot_info.rsdp_len >= 36)) {
		memcpy(&root, rsdp + 24, 8);
		width = 8;
	}
	if (!root) {
		uint32_t r32;
		memcpy(&r32, rsdp + 16, 4);
		root = r32;
		width = 4;
	}
	const struct sdt_header *rt = table_at(root);
	if (!rt)
		return NULL;
	for (uint32_t off = sizeof *rt; off + width <= rt->length; off += width) {
		uint64_t pa = 0;
		memcpy(&pa, (const uint8_t *)rt + off, width);
		const struct sdt_header *t = table_at(pa);
		if (t && !memcmp(t->sig, sig, 4))
			return t;
	}
	return NULL;
}

/* Decode one AML integer (ZeroOp, OneOp, BytePrefix, WordPrefix); -1 if not one. */
static int aml_small_int(const uint8_t *p, const uint8_t *end, int *len)
{
	if (p >= end)
		return -1;
	if (*p == 0x00 || *p == 0x01) {
		*len = 1;
		return *p;
	}
	if (*p == 0x0a && p + 1 < end) {
		*len = 2;
		return p[1];
	}
	if (*p == 0x0b && p + 2 < end) {
		*len = 3;
		return p[1] | p[2] << 8;
	}
	return -1;
}

/* Find Name(_S5, Package(){a, b, ...}) in the DSDT and read a and b. */
static int parse_s5(const struct sdt_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt + sizeof *dsdt, *end = (const uint8_t *)dsdt + dsdt->length;

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12) /* PackageOp */
			continue;
		const uint8_t *q = p + 5;
		q += 1 + (*q >> 6); /* PkgLength: lead byte plus 0..3 more */
		q++;                /* NumElements */
		int la, lb, a = aml_small_int(q, end, &la);
		int b = a < 0 ? -1 : aml_small_int(q + la, end, &lb);
		if (a < 0 || b < 0)
			return -ENOENT;
		acpi.slp_typa = (uint16_t)a;
		acpi.slp_typb = (uint16_t)b;
		return 0;
	}
	return -ENOENT;
}

int acpi_init(void)
{
	const uint8_t *rsdp = find_rsdp();
	const struct sdt_header *fadt = rsdp ? find_table(rsdp, "FACP") : NULL;
	if (!fadt || fadt->length < 76)
		return -ENOENT;
	const uint8_t *f = (const uint8_t *)fadt;
	uint32_t dsdt_pa, pm1a, pm1b;
	memcpy(&dsdt_pa, f + 40, 4);
	memcpy(&acpi.smi_cmd, f + 48, 4);
	acpi.acpi_enable = f[52];
	memcpy(&pm1a, f + 64, 4);
	memcpy(&pm1b, f + 68, 4);
	const struct sdt_header *dsdt = table_at(dsdt_pa);
	if (!dsdt || !pm1a || parse_s5(dsdt))
		return -ENOENT;
	acpi.pm1a = (uint16_t)pm1a;
	acpi.pm1b = (uint16_t)pm1b;
	acpi.ready = 1;
	return 0;
}

int acpi_isa_irq(unsigned irq, uint64_t *ioapic, uint32_t *gsi_base, uint32_t *gsi, uint16_t *flags)
{
	const uint8_t *rsdp = find_rsdp();
	const struct sdt_header *madt = rsdp ? find_table(rsdp, "APIC") : NULL;
	uint32_t pa = 0, base = 0;
	int found = 0;

	if (!madt || madt->length < 44)
		return -ENOENT;
	*gsi = irq, *flags = 0; /* identity unless an override says otherwise */
	const uint8_t *p = (const uint8_t *)madt + 44, *end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == 1 && p[1] >= 12 && !found) { /* I/O APIC */
			memcpy(&pa, p + 4, 4);
			memcpy(&base, p + 8, 4);
			found = 1;
		} else if (p[0] == 2 && p[1] >= 10 && p[2] == 0 && p[3] == irq) { /* ISA override */
			memcpy(gsi, p + 4, 4);
			memcpy(flags, p + 8, 2);
		}
	}
	if (!found)
		return -ENOENT;
	*ioapic = pa, *gsi_base = base;
	return 0;
}

int acpi_cpus(uint32_t *apic_ids, int max)
{
	const struct sdt_header *madt = acpi_find_table("APIC");
	int n = 0;

	if (!madt || madt->length < 44)
		return -ENOENT;
	const uint8_t *p = (const uint8_t *)madt + 44, *end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		uint32_t flags;
		if (p[0] != 0 || p[1] < 8) /* Processor Local APIC */
			continue;
		memcpy(&flags, p + 4, 4);
		if (!(flags & 1)) /* disabled (or only online-capable) */
			continue;
		if (n < max)
			apic_ids[n] = p[3];
		n++;
	}
	return n;
}

const void *acpi_find_table(const char *sig)
{
	const uint8_t *rsdp = find_rsdp();
	return rsdp ? find_table(rsdp, sig) : NULL;
}

void acpi_poweroff(void)
{
	if (!acpi.ready)
		return;
	/* SCI_EN clear means the firmware still owns power management: ask it
	 * to hand over through the SMI command port, then wait for SCI_EN. */
	if (!(inw(acpi.pm1a) & 1) && acpi.smi_cmd && acpi.acpi_enable) {
		outb((uint16_t)acpi.smi_cmd, acpi.acpi_enable);
		for (int i = 0; i < 1000000 && !(inw(acpi.pm1a) & 1); i++)
			cpu_relax();
	}
	outw(acpi.pm1a, (uint16_t)(acpi.slp_typa << 10 | 1u << 13));
	if (acpi.pm1b)
		outw(acpi.pm1b, (uint16_t)(acpi.slp_typb << 10 | 1u << 13));
	for (int i = 0; i < 10000000; i++)
		cpu_relax();
}
