/* Parsers for the two boot protocols we accept: Multiboot2 information (GRUB)
 * and the PVH start info (QEMU's direct boot). Both fill a struct bootinfo
 * and trust nothing: every length is checked against what is really there. */
#include <stdbool.h>

#include "bootinfo.h"
#include "kerrno.h"
#include "kstring.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_MAX_SIZE (16u << 20) /* a sanity bound on total_size */

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* Copy a string that must end inside [s, s+len) into dst of size cap. */
static int copy_bounded_string(char *dst, size_t cap, const uint8_t *s, size_t len)
{
	size_t n = strnlen((const char *)s, len);

	if (n == len)
		return -EINVAL; /* not NUL-terminated within its tag */
	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

static int add_range(struct bootinfo *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (len == 0)
		return 0;
	if (bi->nmem == BOOT_MAX_MEM)
		return -E2BIG;
	bi->mem[bi->nmem++] = (struct boot_mem_range){base, len, type};
	return 0;
}

static int mb2_mmap(struct bootinfo *bi, const uint8_t *tag, uint32_t size)
{
	if (size < 16)
		return -EINVAL;
	uint32_t esize = rd32(tag + 8);
	if (esize < 24 || esize % 8 || (size - 16) % esize)
		return -EINVAL;
	for (uint32_t off = 16; off < size; off += esize) {
		int err = add_range(bi, rd64(tag + off), rd64(tag + off + 8), rd32(tag + off + 16));
		if (err)
			return err;
	}
	bi->have_mmap = true;
	return 0;
}

static int mb2_module(struct bootinfo *bi, const uint8_t *tag, uint32_t size)
{
	if (size < 17)
		return -EINVAL;
	if (bi->nmod == BOOT_MAX_MOD)
		return -E2BIG;
	struct boot_module *m = &bi->mod[bi->nmod];
	m->start = rd32(tag + 8);
	m->end = rd32(tag + 12);
	if (m->end < m->start)
		return -EINVAL;
	int err = copy_bounded_string(m->cmdline, sizeof m->cmdline, tag + 16, size - 16);
	if (!err)
		bi->nmod++;
	return err;
}

static int mb2_acpi(struct bootinfo *bi, const uint8_t *tag, uint32_t size, uint32_t want)
{
	if (size < 8 + want)
		return -EINVAL;
	if (want < bi->rsdp_len) /* keep the newer (v2) copy if both are given */
		return 0;
	memcpy(bi->rsdp, tag + 8, want);
	bi->rsdp_len = want;
	return 0;
}

static int mb2_tag(struct bootinfo *bi, const uint8_t *tag, uint32_t type, uint32_t size)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		return copy_bounded_string(bi->cmdline, sizeof bi->cmdline, tag + 8, size - 8);
	case MB2_TAG_LOADER:
		return copy_bounded_string(bi->loader, sizeof bi->loader, tag + 8, size - 8);
	case MB2_TAG_MODULE:
		return mb2_module(bi, tag, size);
	case MB2_TAG_MMAP:
		return mb2_mmap(bi, tag, size);
	case MB2_TAG_ACPI_OLD:
		return mb2_acpi(bi, tag, size, 20);
	case MB2_TAG_ACPI_NEW:
		return mb2_acpi(bi, tag, size, 36);
	default:
		return 0; /* tags we do not use */
	}
}

int bootinfo_parse_mb2(const void *info, size_t avail, uint64_t info_phys, struct bootinfo *out)
{
	const uint8_t *p = info;

	memset(out, 0, sizeof *out);
	out->protocol = BOOT_MULTIBOOT2;
	if (avail < 8)
		return -EINVAL;
	uint32_t total = rd32(p);
	if (total < 16 || total > avail || total > MB2_MAX_SIZE)
		return -EINVAL;
	out->info_phys = info_phys;
	out->info_size = total;
	for (uint32_t off = 8;;) {
		if (off + 8 > total)
			return -EINVAL; /* ran out before the end tag */
		uint32_t type = rd32(p + off), size = rd32(p + off + 4);
		if (size < 8 || size > total - off)
			return -EINVAL;
		if (type == MB2_TAG_END)
			break;
		int err = mb2_tag(out, p + off, type, size);
		if (err)
			return err;
		off += (size + 7) & ~7u;
	}
	return out->have_mmap ? 0 : -ENOENT;
}

/* hvm_start_info and its arrays, as laid out in Xen's public start_info.h. */
struct pvh_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct pvh_module {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct pvh_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

/* Read a NUL-terminated string at phys into dst (cap bytes) in small chunks. */
static int pvh_string(char *dst, size_t cap, uint64_t phys, bootinfo_read_fn read, void *ctx)
{
	dst[0] = 0;
	if (!phys)
		return 0;
	for (size_t got = 0; got < cap; got += 16) {
		size_t n = cap - got < 16 ? cap - got : 16;
		int err = read(dst + got, phys + got, n, ctx);
		if (err)
			return err;
		if (strnlen(dst + got, n) < n)
			return 0;
	}
	dst[cap - 1] = 0;
	return -ENAMETOOLONG;
}

static int pvh_modules(struct bootinfo *bi, const struct pvh_start_info *si,
		       bootinfo_read_fn read, void *ctx)
{
	if (si->nr_modules > BOOT_MAX_MOD)
		return -E2BIG;
	for (uint32_t i = 0; i < si->nr_modules; i++) {
		struct pvh_module m;
		int err = read(&m, si->modlist_paddr + i * sizeof m, sizeof m, ctx);
		if (err)
			return err;
		if (m.paddr + m.size < m.paddr)
			return -EINVAL;
		bi->mod[i].start = m.paddr;
		bi->mod[i].end = m.paddr + m.size;
		err = pvh_string(bi->mod[i].cmdline, sizeof bi->mod[i].cmdline, m.cmdline_paddr, read, ctx);
		if (err)
			return err;
		bi->nmod++;
	}
	return 0;
}

int bootinfo_parse_pvh(uint64_t start_info_phys, bootinfo_read_fn read, void *ctx,
		       struct bootinfo *out)
{
	struct pvh_start_info si;

	memset(out, 0, sizeof *out);
	out->protocol = BOOT_PVH;
	strlcpy(out->loader, "QEMU direct boot", sizeof out->loader);
	int err = read(&si, start_info_phys, sizeof si, ctx);
	if (err)
		return err;
	if (si.magic != PVH_START_MAGIC || si.version < 1)
		return -EINVAL;
	out->info_phys = start_info_phys;
	out->info_size = sizeof si;
	out->rsdp_phys = si.rsdp_paddr;
	err = pvh_string(out->cmdline, sizeof out->cmdline, si.cmdline_paddr, read, ctx);
	if (!err)
		err = pvh_modules(out, &si, read, ctx);
	if (err)
		return err;
	if (si.memmap_entries == 0)
		return -ENOENT;
	for (uint32_t i = 0; i < si.memmap_entries; i++) {
		struct pvh_memmap_entry e;
		err = read(&e, si.memmap_paddr + i * sizeof e, sizeof e, ctx);
		if (!err)
			err = add_range(out, e.addr, e.size, e.type);
		if (err)
			return err;
	}
	out->have_mmap = true;
	return 0;
}

int bootinfo_check_memmap(struct bootinfo *bi)
{
	for (unsigned i = 1; i < bi->nmem; i++) /* insertion sort by base */
		for (unsigned j = i; j > 0 && bi->mem[j - 1].base > bi->mem[j].base; j--) {
			struct boot_mem_range t = bi->mem[j];
			bi->mem[j] = bi->mem[j - 1];
			bi->mem[j - 1] = t;
		}
	for (unsigned i = 0; i < bi->nmem; i++) {
		const struct boot_mem_range *r = &bi->mem[i];
		if (r->base + r->len < r->base)
			return -EINVAL;
		if (r->type != BOOT_MEM_USABLE)
			continue;
		for (unsigned j = i + 1; j < bi->nmem && bi->mem[j].base < r->base + r->len; j++)
			if (bi->mem[j].type == BOOT_MEM_USABLE)
				return -EINVAL;
	}
	return 0;
}

const char *bootinfo_mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE: return "usable";
	case BOOT_MEM_RESERVED: return "reserved";
	case BOOT_MEM_ACPI_RECLAIMABLE: return "ACPI reclaimable";
	case BOOT_MEM_ACPI_NVS: return "ACPI NVS";
	case BOOT_MEM_BAD: return "bad";
	default: return "unknown";
	}
}
