/* Parsing the boot loader's hand-off (Multiboot2 or PVH) into struct bootinfo. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "kerrno.h"
#include "kstring.h"

/* Multiboot2 boot information: an 8-byte header {total_size, reserved}, then
 * tags {type, size, payload}, each starting 8-byte aligned, ended by {0, 8}. */
#define MB2_FIXED 8
#define MB2_TAG_HDR 8
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_MODULE_HDR 16 /* type, size, mod_start, mod_end */
#define MB2_MMAP_HDR 16	  /* type, size, entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN 24
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36

/* Xen's hvm_start_info (version 1) and the arrays it points to. Every address
 * field uses 0 for "not present": nothing is ever loaded at physical 0. */
struct pvh_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct pvh_module {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct pvh_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(sizeof(struct pvh_start_info) == 56, "hvm_start_info layout");
_Static_assert(sizeof(struct pvh_module) == 32, "hvm_modlist_entry layout");
_Static_assert(sizeof(struct pvh_memmap_entry) == 24, "hvm_memmap_table_entry layout");

/* Strings are read in aligned chunks of this size, so a chunk never crosses a
 * page boundary: a string that ends just before unreadable memory still reads. */
#define PVH_STR_CHUNK 64

struct pvh_src {
	bootinfo_read_fn read;
	void *ctx;
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* Copy the string in src[0, srclen) into dst[dstsize]. Returns -EINVAL if it
 * has no NUL within srclen, -ENAMETOOLONG if it does not fit in dst. */
static int copy_str(char *dst, size_t dstsize, const uint8_t *src, size_t srclen)
{
	size_t n = strnlen((const char *)src, srclen);

	if (n == srclen)
		return -EINVAL;
	if (n >= dstsize)
		return -ENAMETOOLONG;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/* Append a memory range; empty ones are skipped. -E2BIG when the table is full. */
static int add_range(struct bootinfo *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (len == 0)
		return 0;
	if (bi->nmem == BOOT_MAX_MEM)
		return -E2BIG;
	bi->mem[bi->nmem].base = base;
	bi->mem[bi->nmem].len = len;
	bi->mem[bi->nmem].type = type;
	bi->nmem++;
	return 0;
}

/* ---- Multiboot2 ---- */

/* Read the tag header at `off` of a structure of `total` bytes. Returns 1 for
 * an ordinary tag, 0 for the end tag, -EINVAL if the tag does not fit (which
 * includes a structure that stops before its end tag). */
static int mb2_tag_at(const uint8_t *info, uint64_t total, uint64_t off, uint32_t *type,
		      uint32_t *size)
{
	if (off > total || total - off < MB2_TAG_HDR)
		return -EINVAL;
	*type = get32(info + off);
	*size = get32(info + off + 4);
	if (*size < MB2_TAG_HDR || *size > total - off)
		return -EINVAL;
	if (*type == MB2_TAG_END)
		return *size == MB2_TAG_HDR ? 0 : -EINVAL;
	return 1;
}

/* Module tag: {mod_start, mod_end (exclusive), NUL-terminated string}. */
static int mb2_module(const uint8_t *t, uint32_t size, struct bootinfo *bi)
{
	if (size <= MB2_MODULE_HDR)
		return -EINVAL;
	uint32_t start = get32(t + 8), end = get32(t + 12);
	if (end < start)
		return -EINVAL;
	if (bi->nmod == BOOT_MAX_MOD)
		return -E2BIG;

	struct boot_module *m = &bi->mod[bi->nmod];
	int err =
	    copy_str(m->cmdline, sizeof m->cmdline, t + MB2_MODULE_HDR, size - MB2_MODULE_HDR);
	if (err)
		return err;
	m->start = start;
	m->end = end;
	bi->nmod++;
	return 0;
}

/* Memory map tag: entries of entry_size bytes (at least 24, a multiple of 8,
 * possibly longer than the {base, len, type, reserved} we read); the tag must
 * hold whole entries. entry_version is ignored: later versions only append. */
static int mb2_mmap(const uint8_t *t, uint32_t size, struct bootinfo *bi)
{
	if (size < MB2_MMAP_HDR)
		return -EINVAL;
	uint32_t esize = get32(t + 8);
	if (esize < MB2_MMAP_ENTRY_MIN || esize % 8 != 0 || (size - MB2_MMAP_HDR) % esize != 0)
		return -EINVAL;
	for (uint64_t off = MB2_MMAP_HDR; off < size; off += esize) {
		int err = add_range(bi, get64(t + off), get64(t + off + 8), get32(t + off + 16));
		if (err)
			return err;
	}
	bi->have_mmap = true;
	return 0;
}

/* ACPI RSDP tags carry a copy of the RSDP; the RSDPv2 copy (tag 15) wins over
 * the RSDPv1 one (tag 14) whatever their order. */
static int mb2_rsdp(const uint8_t *t, uint32_t size, uint32_t len, struct bootinfo *bi)
{
	if (size < MB2_TAG_HDR + len)
		return -EINVAL;
	if (bi->rsdp_len > len)
		return 0;
	memcpy(bi->rsdp, t + MB2_TAG_HDR, len);
	bi->rsdp_len = len;
	return 0;
}

/* Take in one tag whose framing is already checked; unknown types are ignored. */
static int mb2_tag(const uint8_t *t, uint32_t type, uint32_t size, struct bootinfo *bi)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		return copy_str(bi->cmdline, sizeof bi->cmdline, t + MB2_TAG_HDR,
				size - MB2_TAG_HDR);
	case MB2_TAG_LOADER:
		return copy_str(bi->loader, sizeof bi->loader, t + MB2_TAG_HDR, size - MB2_TAG_HDR);
	case MB2_TAG_MODULE:
		return mb2_module(t, size, bi);
	case MB2_TAG_MMAP:
		return mb2_mmap(t, size, bi);
	case MB2_TAG_ACPI_OLD:
		return mb2_rsdp(t, size, RSDP_V1_LEN, bi);
	case MB2_TAG_ACPI_NEW:
		return mb2_rsdp(t, size, RSDP_V2_LEN, bi);
	default:
		return 0;
	}
}

/* Walk the tags up to the end tag. With bi NULL only the framing is checked;
 * otherwise each tag is taken into bi. Returns 0 or the first error. */
static int mb2_walk(const uint8_t *info, uint32_t total, struct bootinfo *bi)
{
	uint64_t off = MB2_FIXED;
	uint32_t type, size;
	int r;

	while ((r = mb2_tag_at(info, total, off, &type, &size)) > 0) {
		if (bi && (r = mb2_tag(info + off, type, size, bi)) != 0)
			return r;
		off += ((uint64_t)size + 7) & ~(uint64_t)7;
	}
	return r;
}

/*
 * The contract is in bootinfo.h. Policy on the points the specification leaves
 * open: the structure's physical address must be 8-byte aligned (the spec
 * requires it, and tag alignment is defined relative to it); bytes after the
 * end tag but within total_size are ignored, so total_size need not be a
 * multiple of 8; the end tag must have size 8. The whole framing is checked
 * before any tag is taken, so a truncated structure always gives -EINVAL.
 * A memory map tag whose ranges are all empty still counts as a memory map.
 * rsdp_phys stays 0: the loader hands over a copy, kept in rsdp[].
 */
int bootinfo_parse_mb2(const void *info, size_t avail, uint64_t info_phys, struct bootinfo *out)
{
	const uint8_t *p = info;

	memset(out, 0, sizeof *out);
	if (avail < MB2_FIXED || info_phys % 8 != 0)
		return -EINVAL;
	uint32_t total = get32(p);
	if (total < MB2_FIXED + MB2_TAG_HDR || total > avail)
		return -EINVAL;

	int err = mb2_walk(p, total, NULL);
	if (!err)
		err = mb2_walk(p, total, out);
	if (err)
		return err;
	if (!out->have_mmap)
		return -ENOENT;
	out->protocol = BOOT_MULTIBOOT2;
	out->info_phys = info_phys;
	out->info_size = total;
	return 0;
}

/* ---- PVH ---- */

/* Bounded read through the caller's callback; a range that wraps past 2^64
 * is unreadable. A positive return from the callback is treated as -EFAULT. */
static int pvh_read(const struct pvh_src *s, void *dst, uint64_t phys, size_t len)
{
	if (phys + len < phys)
		return -EFAULT;
	int err = s->read(dst, phys, len, s->ctx);
	return err > 0 ? -EFAULT : err;
}

/* Read the NUL-terminated string at `phys` into dst[max] in aligned chunks.
 * phys 0 means "not present" and gives "". Returns 0, -ENAMETOOLONG if no NUL
 * comes within max bytes, or the read error. */
static int pvh_read_str(const struct pvh_src *s, uint64_t phys, char *dst, size_t max)
{
	size_t off = 0;

	memset(dst, 0, max);
	if (phys == 0)
		return 0;
	while (off < max) {
		size_t n = PVH_STR_CHUNK - (size_t)((phys + off) % PVH_STR_CHUNK);
		if (n > max - off)
			n = max - off;
		int err = pvh_read(s, dst + off, phys + off, n);
		if (err)
			return err;
		size_t len = strnlen(dst + off, n);
		if (len < n) {
			memset(dst + off + len, 0, max - off - len);
			return 0;
		}
		off += n;
	}
	memset(dst, 0, max);
	return -ENAMETOOLONG;
}

/* True if an array of n elements of `size` bytes at `phys` ends below 2^64. */
static bool array_fits(uint64_t phys, uint32_t n, size_t size)
{
	uint64_t bytes = (uint64_t)n * size;
	return phys + bytes >= phys;
}

/* Copy the E820-typed memory map. -ENOENT if there is none (no entries, or
 * address 0); a map whose ranges are all empty still counts as a map. */
static int pvh_memmap(const struct pvh_src *s, const struct pvh_start_info *si, struct bootinfo *bi)
{
	struct pvh_memmap_entry e;

	if (si->memmap_paddr == 0 || si->memmap_entries == 0)
		return -ENOENT;
	if (!array_fits(si->memmap_paddr, si->memmap_entries, sizeof e))
		return -EFAULT;
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		int err = pvh_read(s, &e, si->memmap_paddr + (uint64_t)i * sizeof e, sizeof e);
		if (!err)
			err = add_range(bi, e.addr, e.size, e.type);
		if (err)
			return err;
	}
	bi->have_mmap = true;
	return 0;
}

/* Copy the module list with each module's command line. A module whose end
 * would pass 2^64 is malformed (-EINVAL). modlist_paddr 0 means no modules. */
static int pvh_modules(const struct pvh_src *s, const struct pvh_start_info *si,
		       struct bootinfo *bi)
{
	struct pvh_module m;

	if (si->modlist_paddr == 0)
		return 0;
	if (si->nr_modules > BOOT_MAX_MOD)
		return -E2BIG;
	if (!array_fits(si->modlist_paddr, si->nr_modules, sizeof m))
		return -EFAULT;
	for (uint32_t i = 0; i < si->nr_modules; i++) {
		int err = pvh_read(s, &m, si->modlist_paddr + (uint64_t)i * sizeof m, sizeof m);
		if (err)
			return err;
		if (m.paddr + m.size < m.paddr)
			return -EINVAL;
		struct boot_module *bm = &bi->mod[i];
		err = pvh_read_str(s, m.cmdline_paddr, bm->cmdline, sizeof bm->cmdline);
		if (err)
			return err;
		bm->start = m.paddr;
		bm->end = m.paddr + m.size;
		bi->nmod = i + 1;
	}
	return 0;
}

/*
 * The contract is in bootinfo.h. Everything the loader handed over (the
 * start_info, the module list, the memory map and every string) is copied into
 * *out, so once this returns only the module contents need to stay reserved;
 * info_phys/info_size describe the start_info structure alone. rsdp_phys is
 * the loader's pointer to the firmware's RSDP (0 if none); rsdp[] stays empty.
 */
int bootinfo_parse_pvh(uint64_t start_info_phys, bootinfo_read_fn read, void *ctx,
		       struct bootinfo *out)
{
	struct pvh_src src = {read, ctx};
	struct pvh_start_info si;

	memset(out, 0, sizeof *out);
	/* magic and version first: a version-0 structure is shorter than ours */
	int err = pvh_read(&src, &si, start_info_phys, 8);
	if (err)
		return err;
	if (si.magic != PVH_START_MAGIC || si.version < 1)
		return -EINVAL;
	err = pvh_read(&src, &si, start_info_phys, sizeof si);
	if (!err)
		err = pvh_memmap(&src, &si, out);
	if (!err)
		err = pvh_modules(&src, &si, out);
	if (!err)
		err = pvh_read_str(&src, si.cmdline_paddr, out->cmdline, sizeof out->cmdline);
	if (err)
		return err;
	strlcpy(out->loader, "PVH", sizeof out->loader);
	out->protocol = BOOT_PVH;
	out->rsdp_phys = si.rsdp_paddr;
	out->info_phys = start_info_phys;
	out->info_size = sizeof si;
	return 0;
}

/* ---- Memory map checks ---- */

/* Insertion sort by base: the map is short and often already sorted. */
static void sort_ranges(struct boot_mem_range *r, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct boot_mem_range x = r[i];
		unsigned j = i;
		for (; j > 0 && r[j - 1].base > x.base; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
}

/*
 * Sorts bi->mem by base and checks it. Returns -EINVAL if nmem exceeds
 * BOOT_MAX_MEM, if a range's end (base + len) is not below 2^64 (so consumers
 * may compute it without wrapping), or if two usable ranges overlap. Usable
 * ranges overlapping non-usable ones are accepted: the non-usable type wins.
 * Nothing is merged. Returns 0 otherwise (also for an empty map).
 */
int bootinfo_check_memmap(struct bootinfo *bi)
{
	uint64_t usable_end = 0;

	if (bi->nmem > BOOT_MAX_MEM)
		return -EINVAL;
	for (unsigned i = 0; i < bi->nmem; i++)
		if (bi->mem[i].base + bi->mem[i].len < bi->mem[i].base)
			return -EINVAL;
	sort_ranges(bi->mem, bi->nmem);
	for (unsigned i = 0; i < bi->nmem; i++) {
		const struct boot_mem_range *r = &bi->mem[i];
		if (r->type != BOOT_MEM_USABLE || r->len == 0)
			continue;
		if (r->base < usable_end)
			return -EINVAL;
		usable_end = r->base + r->len;
	}
	return 0;
}

/* Name of a memory range type; "unknown" for types outside 1..5. */
const char *bootinfo_mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return "usable";
	case BOOT_MEM_RESERVED:
		return "reserved";
	case BOOT_MEM_ACPI_RECLAIMABLE:
		return "ACPI reclaimable";
	case BOOT_MEM_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MEM_BAD:
		return "bad";
	default:
		return "unknown";
	}
}
