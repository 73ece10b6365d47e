/* Host tests of the Multiboot2 and PVH parsers: realistic input parsed exactly,
 * every truncation and malformation rejected, and seeded fuzzing under ASan. */
#include <stdint.h>
#include <stdlib.h>

#include "bootinfo.h"
#include "harness.h"
#include "kerrno.h"

/* A Multiboot2 info builder: 8-byte aligned tags in a static buffer. */
static uint8_t blob[4096] __attribute__((aligned(8)));
static uint32_t blen;

static void put32(uint32_t off, uint32_t v) { memcpy(blob + off, &v, 4); }
static void put64(uint32_t off, uint64_t v) { memcpy(blob + off, &v, 8); }

static void mb2_begin(void)
{
	memset(blob, 0, sizeof blob);
	blen = 8;
}

static uint32_t tag_begin(uint32_t type)
{
	uint32_t at = blen;
	put32(at, type);
	blen += 8;
	return at;
}

static void tag_end(uint32_t at)
{
	put32(at + 4, blen - at);
	blen = (blen + 7) & ~7u;
}

static void tag_string(uint32_t type, const char *s)
{
	uint32_t at = tag_begin(type);
	memcpy(blob + blen, s, strlen(s) + 1);
	blen += (uint32_t)strlen(s) + 1;
	tag_end(at);
}

static void tag_module(uint32_t start, uint32_t end, const char *name)
{
	uint32_t at = tag_begin(3);
	put32(blen, start);
	put32(blen + 4, end);
	blen += 8;
	memcpy(blob + blen, name, strlen(name) + 1);
	blen += (uint32_t)strlen(name) + 1;
	tag_end(at);
}

static uint32_t tag_mmap(unsigned n, const uint64_t (*r)[3], uint32_t esize)
{
	uint32_t at = tag_begin(6);
	put32(blen, esize);
	put32(blen + 4, 0);
	blen += 8;
	for (unsigned i = 0; i < n; i++) {
		put64(blen, r[i][0]);
		put64(blen + 8, r[i][1]);
		put32(blen + 16, (uint32_t)r[i][2]);
		blen += esize;
	}
	tag_end(at);
	return at;
}

static void mb2_finish(void)
{
	uint32_t at = tag_begin(0);
	tag_end(at);
	put32(0, blen);
}

static const uint64_t pc_map[6][3] = {
	{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xf0000, 0x10000, 2},
	{0x100000, 0x1fee0000, 1}, {0x1ffe0000, 0x20000, 3}, {0xfffc0000, 0x40000, 2},
};

static void build_grub_like(void)
{
	uint8_t rsdp[36] = "RSD PTR ";
	mb2_begin();
	tag_string(1, "selftest=heap quiet");
	tag_string(2, "GRUB 2.06");
	tag_module(0x200000, 0x280000, "/boot/app.elf");
	tag_module(0x300000, 0x301000, "initrd");
	tag_mmap(6, pc_map, 24);
	uint32_t at = tag_begin(15);
	rsdp[15] = 2;
	memcpy(blob + blen, rsdp, 36);
	blen += 36;
	tag_end(at);
	mb2_finish();
}

static struct bootinfo bi;

/* Parse the blob from the END of a heap buffer of exactly `avail` bytes, so
 * ASan flags any read past what the caller said is valid. */
static int parse_exact(uint32_t avail)
{
	uint8_t *buf = malloc(avail ? avail : 1);
	memcpy(buf, blob, avail);
	int r = bootinfo_parse_mb2(buf, avail, 0x10000, &bi);
	free(buf);
	return r;
}

TEST(mb2_grub_like_info_parsed_exactly)
{
	build_grub_like();
	CHECK_EQ(parse_exact(blen), 0);
	CHECK_EQ(bi.protocol, BOOT_MULTIBOOT2);
	CHECK_STR(bi.cmdline, "selftest=heap quiet");
	CHECK_STR(bi.loader, "GRUB 2.06");
	CHECK_EQ(bi.nmod, 2);
	CHECK_EQ(bi.mod[0].start, 0x200000);
	CHECK_EQ(bi.mod[0].end, 0x280000);
	CHECK_STR(bi.mod[1].cmdline, "initrd");
	CHECK_EQ(bi.nmem, 6);
	CHECK_EQ(bi.mem[3].base, 0x100000);
	CHECK_EQ(bi.mem[3].len, 0x1fee0000);
	CHECK_EQ(bi.mem[4].type, BOOT_MEM_ACPI_RECLAIMABLE);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK(memcmp(bi.rsdp, "RSD PTR ", 8) == 0);
	CHECK_EQ(bi.info_phys, 0x10000);
	CHECK_EQ(bi.info_size, blen);
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
}

TEST(mb2_every_truncation_rejected)
{
	build_grub_like();
	uint32_t full = blen;
	for (uint32_t n = 0; n < full; n++) {
		int r = parse_exact(n);
		if (r != -EINVAL) {
			CHECK_EQ(r, -EINVAL);
			break;
		}
	}
	/* The size field claims more than there is, even with all bytes present. */
	put32(0, full + 8);
	CHECK_EQ(parse_exact(full), -EINVAL);
}

TEST(mb2_malformed_tags_rejected)
{
	uint32_t at;

	build_grub_like(); /* tag size below 8 */
	put32(8 + 4, 4);
	CHECK_EQ(parse_exact(blen), -EINVAL);

	build_grub_like(); /* tag running past the end */
	put32(8 + 4, 5000);
	CHECK_EQ(parse_exact(blen), -EINVAL);

	mb2_begin(); /* missing end tag: the last tag just stops */
	tag_string(1, "x");
	put32(0, blen);
	CHECK_EQ(parse_exact(blen), -EINVAL);

	mb2_begin(); /* unterminated command line */
	at = tag_begin(1);
	memcpy(blob + blen, "abcdefgh", 8);
	blen += 8;
	tag_end(at);
	tag_mmap(1, pc_map, 24);
	mb2_finish();
	CHECK_EQ(parse_exact(blen), -EINVAL);

	mb2_begin(); /* module ending before it starts */
	tag_module(0x5000, 0x4000, "m");
	tag_mmap(1, pc_map, 24);
	mb2_finish();
	CHECK_EQ(parse_exact(blen), -EINVAL);
}

TEST(mb2_memory_map_errors)
{
	uint32_t at;

	mb2_begin(); /* no memory map at all */
	tag_string(1, "hi");
	mb2_finish();
	CHECK_EQ(parse_exact(blen), -ENOENT);

	mb2_begin(); /* entry size below 24 */
	at = tag_mmap(2, pc_map, 24);
	put32(at + 8, 16);
	mb2_finish();
	CHECK_EQ(parse_exact(blen), -EINVAL);

	mb2_begin(); /* entry size not a multiple of 8 */
	at = tag_mmap(2, pc_map, 24);
	put32(at + 8, 25);
	mb2_finish();
	CHECK_EQ(parse_exact(blen), -EINVAL);

	mb2_begin(); /* tag size not a whole number of entries */
	at = tag_mmap(2, pc_map, 24);
	put32(at + 4, 16 + 24 + 8);
	mb2_finish();
	CHECK_EQ(parse_exact(blen), -EINVAL);
}

TEST(mb2_larger_entries_and_zero_length_ranges)
{
	const uint64_t map[3][3] = {{0x100000, 0x100000, 1}, {0x300000, 0, 1}, {0x400000, 0x1000, 2}};

	mb2_begin();
	tag_mmap(3, map, 32);
	mb2_finish();
	CHECK_EQ(parse_exact(blen), 0);
	CHECK_EQ(bi.nmem, 2); /* the empty range is dropped */
	CHECK_EQ(bi.mem[1].base, 0x400000);
	CHECK_EQ(bi.mem[1].type, BOOT_MEM_RESERVED);
}

TEST(mb2_too_many_ranges_is_an_error)
{
	static uint64_t map[BOOT_MAX_MEM + 1][3];

	for (unsigned i = 0; i <= BOOT_MAX_MEM; i++) {
		map[i][0] = (uint64_t)i << 20;
		map[i][1] = 4096;
		map[i][2] = 1;
	}
	mb2_begin();
	tag_mmap(BOOT_MAX_MEM + 1, (const uint64_t(*)[3])map, 24);
	mb2_finish();
	uint8_t *buf = malloc(blen);
	memcpy(buf, blob, blen);
	CHECK_EQ(bootinfo_parse_mb2(buf, blen, 0, &bi), -E2BIG);
	free(buf);
}

TEST(mb2_fuzz_never_crashes)
{
	unsigned seed = 99;

	for (int i = 0; i < 20000; i++) {
		build_grub_like();
		uint32_t avail = blen;
		switch (rand_r(&seed) % 4) {
		case 0: /* flip random bytes */
			for (int k = 1 + rand_r(&seed) % 4; k > 0; k--)
				blob[rand_r(&seed) % blen] ^= (uint8_t)(1 + rand_r(&seed) % 255);
			break;
		case 1: /* random truncation */
			avail = (uint32_t)rand_r(&seed) % blen;
			break;
		case 2: /* random size field */
			put32((uint32_t)(rand_r(&seed) % (blen / 8)) * 8 + 4, (uint32_t)rand_r(&seed) % 200);
			break;
		default: /* random total size */
			put32(0, (uint32_t)rand_r(&seed) % (2 * blen));
			break;
		}
		int r = parse_exact(avail);
		if (r > 0) {
			CHECK(r <= 0);
			break;
		}
	}
}

/* PVH: simulated guest-physical memory with a bounds-checked reader. */
static uint8_t phys[8192] __attribute__((aligned(8)));
#define PHYS_BASE 0x1000u

static int read_phys(void *dst, uint64_t pa, size_t len, void *ctx)
{
	(void)ctx;
	if (pa < PHYS_BASE || pa + len > PHYS_BASE + sizeof phys || pa + len < pa)
		return -EFAULT;
	memcpy(dst, phys + (pa - PHYS_BASE), len);
	return 0;
}

static void build_pvh(uint32_t version, uint32_t nmem)
{
	uint32_t v32[4] = {PVH_START_MAGIC, version, 0, 1};
	uint64_t v64[4] = {PHYS_BASE + 0x100, PHYS_BASE + 0x200, 0xf5a40, PHYS_BASE + 0x400};
	uint64_t mod[4] = {0x800000, 0x12345, PHYS_BASE + 0x300, 0};

	memset(phys, 0, sizeof phys);
	memcpy(phys, v32, 16);
	memcpy(phys + 16, v64, 32);
	memcpy(phys + 48, &nmem, 4);
	memcpy(phys + 0x100, mod, 32);
	strcpy((char *)phys + 0x200, "selftest");
	strcpy((char *)phys + 0x300, "initrd.cpio");
	for (uint32_t i = 0; i < nmem && i < 200; i++) {
		uint64_t e[3] = {(uint64_t)i << 24, 1 << 20, i % 2 ? 2 : 1};
		memcpy(phys + 0x400 + i * 24, e, 24);
	}
}

TEST(pvh_start_info_parsed_exactly)
{
	build_pvh(1, 4);
	CHECK_EQ(bootinfo_parse_pvh(PHYS_BASE, read_phys, NULL, &bi), 0);
	CHECK_EQ(bi.protocol, BOOT_PVH);
	CHECK_STR(bi.cmdline, "selftest");
	CHECK_EQ(bi.nmod, 1);
	CHECK_EQ(bi.mod[0].start, 0x800000);
	CHECK_EQ(bi.mod[0].end, 0x800000 + 0x12345);
	CHECK_STR(bi.mod[0].cmdline, "initrd.cpio");
	CHECK_EQ(bi.nmem, 4);
	CHECK_EQ(bi.mem[1].base, 1 << 24);
	CHECK_EQ(bi.mem[1].type, BOOT_MEM_RESERVED);
	CHECK_EQ(bi.rsdp_phys, 0xf5a40);
}

TEST(pvh_bad_inputs_rejected)
{
	build_pvh(1, 4);
	phys[0] ^= 1;
	CHECK_EQ(bootinfo_parse_pvh(PHYS_BASE, read_phys, NULL, &bi), -EINVAL);
	build_pvh(0, 4);
	CHECK_EQ(bootinfo_parse_pvh(PHYS_BASE, read_phys, NULL, &bi), -EINVAL);
	build_pvh(1, 0);
	CHECK_EQ(bootinfo_parse_pvh(PHYS_BASE, read_phys, NULL, &bi), -ENOENT);
	build_pvh(1, BOOT_MAX_MEM + 1);
	CHECK_EQ(bootinfo_parse_pvh(PHYS_BASE, read_phys, NULL, &bi), -E2BIG);
	build_pvh(1, 4);
	uint64_t far = 0x90000000ull;
	memcpy(phys + 40, &far, 8); /* memory map outside readable memory */
	CHECK_EQ(bootinfo_parse_pvh(PHYS_BASE, read_phys, NULL, &bi), -EFAULT);
	CHECK_EQ(bootinfo_parse_pvh(0x500000, read_phys, NULL, &bi), -EFAULT);
	build_pvh(1, 4);
	memset(phys + 0x200, 'a', 0x100 + BOOT_CMDLINE_MAX); /* command line never ends */
	CHECK_EQ(bootinfo_parse_pvh(PHYS_BASE, read_phys, NULL, &bi), -ENAMETOOLONG);
}

TEST(memmap_check_sorts_and_rejects_overlap_and_wrap)
{
	memset(&bi, 0, sizeof bi);
	bi.nmem = 3;
	bi.mem[0] = (struct boot_mem_range){0x200000, 0x1000, 1};
	bi.mem[1] = (struct boot_mem_range){0x100000, 0x1000, 1};
	bi.mem[2] = (struct boot_mem_range){0x100800, 0x100, 2}; /* reserved inside usable: fine */
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
	CHECK_EQ(bi.mem[0].base, 0x100000);
	CHECK_EQ(bi.mem[1].base, 0x100800);
	CHECK_EQ(bi.mem[2].base, 0x200000);
	bi.mem[2] = (struct boot_mem_range){0x100800, 0x1000, 1}; /* usable over usable */
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
	bi.nmem = 1;
	bi.mem[0] = (struct boot_mem_range){~0ull - 10, 100, 2};
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
	CHECK_STR(bootinfo_mem_type_name(3), "ACPI reclaimable");
	CHECK_STR(bootinfo_mem_type_name(77), "unknown");
}
