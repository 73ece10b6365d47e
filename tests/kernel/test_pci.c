/* PCI tests on QEMU's own machine: the functions every QEMU PC has are found,
 * and sizing a BAR gives QEMU's standard VGA its known sizes and leaves the
 * BARs where the firmware put them. */
#include "ktest.h"
#include <stddef.h>

#include "kerrno.h"
#include "pci.h"

static struct pci_dev *find(uint16_t vendor, uint16_t device)
{
	for (unsigned i = 0; pci_get(i); i++)
		if (pci_get(i)->vendor == vendor && pci_get(i)->device == device)
			return pci_get(i);
	return NULL;
}

KTEST(pci_finds_the_host_bridge_and_vga)
{
	KEXPECT(pci_init() >= 2);
	struct pci_dev *host = pci_get(0);
	KEXPECT(host && host->bus == 0 && host->dev == 0 && host->class == 6 && host->subclass == 0);
	KEXPECT(find(0x8086, 0x1237) || find(0x8086, 0x29c0)); /* i440FX or Q35 */
	struct pci_dev *vga = find(0x1234, 0x1111);
	KEXPECT(vga && vga->class == 3);
	KEXPECT(!pci_get(PCI_MAX_DEVICES));
}

KTEST(pci_bar_sizing_keeps_the_bars)
{
	struct pci_dev *vga = find(0x1234, 0x1111);
	uint64_t base, len, base2, len2;
	bool io;

	KEXPECT(vga);
	if (!vga)
		return;
	uint32_t before0 = pci_read32(vga, 0x10), before2 = pci_read32(vga, 0x18);
	uint16_t cmd = pci_read16(vga, 0x04);
	/* BAR0: the 16 MiB framebuffer; BAR2: 4 KiB of registers. */
	KEXPECT_EQ(pci_bar(vga, 0, &base, &len, &io), 0);
	KEXPECT_EQ(len, 16u << 20);
	KEXPECT(!io && base && !(base & (len - 1)));
	KEXPECT_EQ(pci_bar(vga, 2, &base2, &len2, &io), 0);
	KEXPECT_EQ(len2, 4096);
	KEXPECT_EQ(pci_read32(vga, 0x10), before0);
	KEXPECT_EQ(pci_read32(vga, 0x18), before2);
	KEXPECT_EQ(pci_read16(vga, 0x04), cmd);
	KEXPECT_EQ(pci_bar(vga, 6, &base, &len, &io), -EINVAL);
	/* Its registers map and read: the Bochs VBE ID (0xb0c0..0xb0c5) at 0x500. */
	volatile uint16_t *regs = pci_map_bar(vga, 2, 0, 4096);
	KEXPECT(regs);
	if (regs)
		KEXPECT((regs[0x500 / 2] & 0xfff0) == 0xb0c0);
	KEXPECT(!pci_find_cap(vga, 0x7f, 0));
}
