/* Taking over from the boot loader: copy its information into the kernel and
 * parse it (Multiboot2 from GRUB, or PVH from QEMU's direct boot). */
#include <stdint.h>

#include "bootinfo.h"
#include "kerrno.h"
#include "kernel.h"
#include "kstring.h"
#include "panic.h"
#include "vm.h"

#define BOOT_MAPPED_TOP (4ull << 30) /* identity of the boot page tables */
#define MB2_COPY_MAX 65536

struct bootinfo boot_info;
static uint8_t mb2_copy[MB2_COPY_MAX] __attribute__((aligned(8)));

static int read_boot_phys(void *dst, uint64_t pa, size_t len, void *ctx)
{
	(void)ctx;
	if (pa + len < pa || pa + len > BOOT_MAPPED_TOP)
		return -EFAULT;
	memcpy(dst, phys_to_virt(pa), len);
	return 0;
}

/* Test-only fault injection on our copy of the Multiboot2 info, selected by
 * fault=mb2-no-mmap or fault=mb2-bad-mmap: hides the memory-map tag, or gives
 * it an impossible entry size. It shows how the kernel meets a loader that
 * does that, without needing such a loader. */
static void inject_mb2_fault(uint8_t *info, uint32_t size, const char *fault)
{
	for (uint32_t off = 8; off + 16 <= size;) {
		uint32_t type, tsize;
		memcpy(&type, info + off, 4);
		memcpy(&tsize, info + off + 4, 4);
		if (type == 0 || tsize < 8)
			return;
		if (type == 6 && !strcmp(fault, "mb2-no-mmap")) {
			uint32_t hidden = 0x7fff; /* an unknown tag type: skipped */
			memcpy(info + off, &hidden, 4);
		} else if (type == 6 && !strcmp(fault, "mb2-bad-mmap")) {
			uint32_t bad = 3; /* entries cannot be 3 bytes long */
			memcpy(info + off + 8, &bad, 4);
		}
		off += (tsize + 7) & ~7u;
	}
}

static const char *why(int err)
{
	switch (err) {
	case -ENOENT: return "no memory map from the boot loader";
	case -E2BIG: return "more memory ranges or modules than the kernel keeps";
	case -ENAMETOOLONG: return "a command line or module name is too long";
	case -EFAULT: return "boot information lies outside the first 4 GiB";
	default: return "malformed boot information or memory map";
	}
}

static void parse_mb2(uint64_t info_phys)
{
	uint32_t total;
	char fault[32];

	if (read_boot_phys(&total, info_phys, 4, NULL))
		panic("boot: Multiboot2 information at %lx is out of reach", info_phys);
	if (total > MB2_COPY_MAX)
		panic("boot: the Multiboot2 information is %u bytes; the kernel keeps at most %u",
		      total, MB2_COPY_MAX);
	uint32_t n = total < 8 ? 8 : total;
	if (read_boot_phys(mb2_copy, info_phys, n, NULL))
		panic("boot: Multiboot2 information at %lx is out of reach", info_phys);
	int err = bootinfo_parse_mb2(mb2_copy, n, info_phys, &boot_info);
	if (!err && cmdline_get("fault", fault, sizeof fault)) {
		inject_mb2_fault(mb2_copy, n, fault);
		err = bootinfo_parse_mb2(mb2_copy, n, info_phys, &boot_info);
	}
	if (err)
		panic("boot: %s (Multiboot2, error %d)", why(err), err);
}

void boot_info_init(uint64_t magic, uint64_t info_phys)
{
	int err;

	if (magic == MB2_BOOTLOADER_MAGIC) {
		parse_mb2(info_phys);
	} else if (magic == PVH_START_MAGIC) {
		err = bootinfo_parse_pvh(info_phys, read_boot_phys, NULL, &boot_info);
		if (err)
			panic("boot: %s (PVH, error %d)", why(err), err);
	} else {
		panic("boot: unknown boot protocol (magic %lx); use GRUB (Multiboot2) or QEMU -kernel",
		      magic);
	}
	err = bootinfo_check_memmap(&boot_info);
	if (err)
		panic("boot: malformed memory map: overlapping or wrapping ranges (error %d)", err);
}
