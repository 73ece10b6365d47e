/* Host tests of the boot-information parsers: realistic Multiboot2 and PVH input
 * parsed exactly, every malformation and truncation rejected with the documented
 * error, bounded reads checked by ASan, and a seeded fuzz run. */
#include <stdint.h>
#include <stdlib.h>

#include "bootinfo.h"
#include "harness.h"
#include "kerrno.h"

static struct bootinfo bi;

/* ---- Multiboot2 builder: tags appended to an 8-byte aligned buffer ---- */

#define MB2_PHYS 0x10000u
#define MAX_TAGS 256

static uint8_t blob[16384] __attribute__((aligned(8)));
static uint32_t blen;
static uint32_t tag_off[MAX_TAGS]; /* where each tag starts, end tag included */
static unsigned ntags;

static void put32(uint32_t off, uint32_t v)
{
	memcpy(blob + off, &v, 4);
}
static void put64(uint32_t off, uint64_t v)
{
	memcpy(blob + off, &v, 8);
}

static void mb2_reset(void)
{
	memset(blob, 0, sizeof blob);
	blen = 8;
	ntags = 0;
}

/* Append a tag of `type` with `plen` payload bytes (copied from `payload` if
 * not NULL); returns the tag's offset. */
static uint32_t mb2_tag(uint32_t type, const void *payload, uint32_t plen)
{
	uint32_t at = blen;

	put32(at, type);
	put32(at + 4, 8 + plen);
	if (payload)
		memcpy(blob + at + 8, payload, plen);
	blen = (at + 8 + plen + 7) & ~7u;
	tag_off[ntags++] = at;
	return at;
}

static uint32_t mb2_str(uint32_t type, const char *s)
{
	return mb2_tag(type, s, (uint32_t)strlen(s) + 1);
}

static uint32_t mb2_module(uint32_t start, uint32_t end, const char *name)
{
	uint8_t p[512];
	uint32_t n = (uint32_t)strlen(name) + 1;

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, name, n);
	return mb2_tag(3, p, 8 + n);
}

/* A memory map tag with entries of `esize` bytes; extra entry bytes get 0xee. */
static uint32_t mb2_mmap(uint32_t esize, unsigned n, const struct boot_mem_range *r)
{
	uint32_t at = mb2_tag(6, NULL, 8 + n * esize);

	put32(at + 8, esize);
	put32(at + 12, 0);
	for (unsigned i = 0; i < n; i++) {
		uint32_t e = at + 16 + i * esize;
		put64(e, r[i].base);
		put64(e + 8, r[i].len);
		put32(e + 16, r[i].type);
		put32(e + 20, 0);
		memset(blob + e + 24, 0xee, esize - 24);
	}
	return at;
}

static uint32_t mb2_rsdp(uint32_t type, uint32_t len, uint8_t fill)
{
	uint8_t r[36];

	memset(r, fill, sizeof r);
	memcpy(r, "RSD PTR ", 8);
	return mb2_tag(type, r, len);
}

static void mb2_finish(void)
{
	mb2_tag(0, NULL, 0);
	put32(0, blen);
}

/* Parse the first `avail` bytes of the blob from a heap buffer of exactly
 * `avail` bytes, so ASan reports any read beyond what the caller declared. */
static int parse_exact(uint32_t avail)
{
	uint8_t *buf = malloc(avail ? avail : 1);

	memcpy(buf, blob, avail);
	int r = bootinfo_parse_mb2(buf, avail, MB2_PHYS, &bi);
	free(buf);
	return r;
}

static int parse_blob(void)
{
	return parse_exact(blen);
}

static const struct boot_mem_range pc_map[6] = {
    {0x0, 0x9fc00, BOOT_MEM_USABLE},
    {0x9fc00, 0x400, BOOT_MEM_RESERVED},
    {0xf0000, 0x10000, BOOT_MEM_RESERVED},
    {0x100000, 0x1fee0000, BOOT_MEM_USABLE},
    {0x1ffe0000, 0x10000, BOOT_MEM_ACPI_RECLAIMABLE},
    {0x1fff0000, 0x10000, BOOT_MEM_ACPI_NVS},
};

/* What GRUB hands over on a PC: strings, unused tags, modules, map, RSDPs. */
static void build_grub_like(void)
{
	uint32_t meminfo[2] = {639, 523136};
	uint8_t elf_sections[40] = {1, 2, 3};

	mb2_reset();
	mb2_str(1, "console=ttyS0 selftest=heap");
	mb2_str(2, "GRUB 2.12");
	mb2_tag(4, meminfo, sizeof meminfo); /* basic memory info: ignored */
	mb2_module(0x200000, 0x280000, "/boot/app.elf --fast");
	mb2_module(0x300000, 0x301234, "initrd");
	mb2_mmap(24, 6, pc_map);
	mb2_tag(9, elf_sections, sizeof elf_sections); /* ELF sections: ignored */
	mb2_rsdp(14, 20, 0x11);
	mb2_rsdp(15, 36, 0x22);
	mb2_finish();
}

static void build_minimal(void)
{
	mb2_reset();
	mb2_mmap(24, 1, &pc_map[3]);
	mb2_finish();
}

TEST(mb2_grub_like_info_parsed_exactly)
{
	build_grub_like();
	CHECK_EQ(parse_blob(), 0);
	CHECK_EQ(bi.protocol, BOOT_MULTIBOOT2);
	CHECK_STR(bi.cmdline, "console=ttyS0 selftest=heap");
	CHECK_STR(bi.loader, "GRUB 2.12");
	CHECK_EQ(bi.nmod, 2);
	CHECK_EQ(bi.mod[0].start, 0x200000);
	CHECK_EQ(bi.mod[0].end, 0x280000);
	CHECK_STR(bi.mod[0].cmdline, "/boot/app.elf --fast");
	CHECK_EQ(bi.mod[1].start, 0x300000);
	CHECK_EQ(bi.mod[1].end, 0x301234);
	CHECK_STR(bi.mod[1].cmdline, "initrd");
	CHECK(bi.have_mmap);
	CHECK_EQ(bi.nmem, 6);
	for (unsigned i = 0; i < 6; i++) {
		CHECK_EQ(bi.mem[i].base, pc_map[i].base);
		CHECK_EQ(bi.mem[i].len, pc_map[i].len);
		CHECK_EQ(bi.mem[i].type, pc_map[i].type);
	}
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK(memcmp(bi.rsdp, "RSD PTR ", 8) == 0);
	CHECK_EQ(bi.rsdp[35], 0x22);
	CHECK_EQ(bi.rsdp_phys, 0);
	CHECK_EQ(bi.info_phys, MB2_PHYS);
	CHECK_EQ(bi.info_size, blen);
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
}

TEST(mb2_minimal_info_has_empty_strings)
{
	build_minimal();
	CHECK_EQ(blen, 8 + 16 + 24 + 8);
	CHECK_EQ(parse_blob(), 0);
	CHECK_STR(bi.cmdline, "");
	CHECK_STR(bi.loader, "");
	CHECK_EQ(bi.nmod, 0);
	CHECK_EQ(bi.nmem, 1);
	CHECK_EQ(bi.rsdp_len, 0);
}

TEST(mb2_rsdp_v2_wins_in_either_order)
{
	mb2_reset();
	mb2_rsdp(15, 36, 0x22);
	mb2_rsdp(14, 20, 0x11);
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	CHECK_EQ(parse_blob(), 0);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK_EQ(bi.rsdp[19], 0x22);

	mb2_reset();
	mb2_rsdp(14, 20, 0x11);
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	CHECK_EQ(parse_blob(), 0);
	CHECK_EQ(bi.rsdp_len, 20);
	CHECK_EQ(bi.rsdp[19], 0x11);
	CHECK_EQ(bi.rsdp[20], 0);
}

TEST(mb2_short_rsdp_tags_rejected)
{
	mb2_reset();
	mb2_rsdp(14, 19, 0x11);
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	CHECK_EQ(parse_blob(), -EINVAL);

	mb2_reset();
	mb2_rsdp(15, 35, 0x22);
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	CHECK_EQ(parse_blob(), -EINVAL);
}

TEST(mb2_header_errors)
{
	build_minimal();
	for (uint32_t n = 0; n < 8; n++)
		CHECK_EQ(parse_exact(n), -EINVAL);
	put32(0, 8); /* header only, no end tag */
	CHECK_EQ(parse_blob(), -EINVAL);
	put32(0, 15);
	CHECK_EQ(parse_blob(), -EINVAL);
	put32(0, blen + 8); /* claims more than is available */
	CHECK_EQ(parse_blob(), -EINVAL);
	put32(0, 0xffffffffu);
	CHECK_EQ(parse_blob(), -EINVAL);

	build_minimal(); /* the structure must start 8-byte aligned */
	uint8_t *buf = malloc(blen);
	memcpy(buf, blob, blen);
	CHECK_EQ(bootinfo_parse_mb2(buf, blen, MB2_PHYS + 4, &bi), -EINVAL);
	CHECK_EQ(bootinfo_parse_mb2(buf, blen, MB2_PHYS, &bi), 0);
	free(buf);
}

TEST(mb2_end_tag_only_means_no_memory_map)
{
	mb2_reset();
	mb2_finish();
	CHECK_EQ(blen, 16);
	CHECK_EQ(parse_blob(), -ENOENT);

	mb2_reset();
	mb2_str(1, "quiet");
	mb2_tag(0x7fff, NULL, 0); /* an unknown tag type */
	mb2_finish();
	CHECK_EQ(parse_blob(), -ENOENT);
}

TEST(mb2_tag_framing_errors)
{
	build_grub_like(); /* tag sizes below the 8-byte header */
	put32(tag_off[2] + 4, 0);
	CHECK_EQ(parse_blob(), -EINVAL);
	put32(tag_off[2] + 4, 7);
	CHECK_EQ(parse_blob(), -EINVAL);

	build_grub_like(); /* a tag running past total_size by one byte */
	put32(tag_off[3] + 4, blen - tag_off[3] + 1);
	CHECK_EQ(parse_blob(), -EINVAL);

	build_grub_like(); /* total_size stops right before the end tag */
	put32(0, blen - 8);
	CHECK_EQ(parse_exact(blen - 8), -EINVAL);

	build_grub_like(); /* the end tag replaced by an unknown tag */
	put32(tag_off[ntags - 1], 0x7fff);
	CHECK_EQ(parse_blob(), -EINVAL);

	build_minimal(); /* end tag of the wrong size */
	put32(tag_off[ntags - 1] + 4, 16);
	put32(0, blen + 8);
	CHECK_EQ(parse_exact(blen + 8), -EINVAL);
}

TEST(mb2_bytes_after_the_end_tag_are_ignored)
{
	build_minimal();
	put32(0, blen + 4); /* total_size need not be a multiple of 8 */
	CHECK_EQ(parse_exact(blen + 4), 0);
	CHECK_EQ(bi.info_size, blen + 4);
}

TEST(mb2_memory_map_errors)
{
	static const uint32_t bad_sizes[] = {0, 8, 16, 20, 25, 28, 36};
	uint32_t at;

	for (unsigned i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
		build_grub_like();
		put32(tag_off[5] + 8, bad_sizes[i]);
		CHECK_EQ(parse_blob(), -EINVAL);
	}

	build_grub_like(); /* tag size not a whole number of entries */
	put32(tag_off[5] + 4, 16 + 6 * 24 - 8);
	CHECK_EQ(parse_blob(), -EINVAL);

	mb2_reset(); /* too short for the entry_size/entry_version header */
	at = mb2_tag(6, NULL, 4);
	put32(at + 8, 24);
	mb2_finish();
	CHECK_EQ(parse_blob(), -EINVAL);

	mb2_reset(); /* a map without entries is a map, just an empty one */
	mb2_mmap(24, 0, NULL);
	mb2_finish();
	CHECK_EQ(parse_blob(), 0);
	CHECK(bi.have_mmap);
	CHECK_EQ(bi.nmem, 0);
}

TEST(mb2_module_errors)
{
	mb2_reset();
	mb2_module(0x5000, 0x4fff, "backwards");
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	CHECK_EQ(parse_blob(), -EINVAL);

	mb2_reset(); /* an empty module is fine */
	mb2_module(0x5000, 0x5000, "");
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	CHECK_EQ(parse_blob(), 0);
	CHECK_EQ(bi.nmod, 1);
	CHECK_EQ(bi.mod[0].end, 0x5000);

	mb2_reset(); /* no room for even the NUL */
	uint32_t se[2] = {0x5000, 0x6000};
	mb2_tag(3, se, 8);
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	CHECK_EQ(parse_blob(), -EINVAL);

	mb2_reset(); /* name not NUL-terminated within the tag */
	uint32_t at = mb2_module(0x5000, 0x6000, "abc");
	put32(at + 4, 8 + 8 + 3);
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	CHECK_EQ(parse_blob(), -EINVAL);
}

/* A string of n copies of c, NUL-terminated, in a static buffer. */
static const char *str_of(size_t n, char c)
{
	static char s[2048];
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

TEST(mb2_string_limits)
{
	struct {
		uint32_t type;
		size_t fits;
	} cases[] = {
	    {1, BOOT_CMDLINE_MAX - 1}, {2, sizeof bi.loader - 1}, {3, BOOT_MODNAME_MAX - 1}};

	for (unsigned i = 0; i < 3; i++) {
		for (size_t extra = 0; extra < 2; extra++) {
			mb2_reset();
			if (cases[i].type == 3)
				mb2_module(0x1000, 0x2000, str_of(cases[i].fits + extra, 'm'));
			else
				mb2_str(cases[i].type, str_of(cases[i].fits + extra, 's'));
			mb2_mmap(24, 1, pc_map);
			mb2_finish();
			CHECK_EQ(parse_blob(), extra ? -ENAMETOOLONG : 0);
		}
	}
	CHECK_EQ(strlen(bi.mod[0].cmdline), 0); /* out is reset on failure */
}

TEST(mb2_unterminated_strings_rejected)
{
	for (uint32_t type = 1; type <= 2; type++) {
		mb2_reset();
		uint32_t at = mb2_str(type, "abcdefgh");
		put32(at + 4, 8 + 8); /* cut off the NUL */
		mb2_mmap(24, 1, pc_map);
		mb2_finish();
		CHECK_EQ(parse_blob(), -EINVAL);

		mb2_reset();
		mb2_tag(type, NULL, 0); /* no room for any string */
		mb2_mmap(24, 1, pc_map);
		mb2_finish();
		CHECK_EQ(parse_blob(), -EINVAL);
	}
}

TEST(mb2_every_truncation_rejected_within_bounds)
{
	build_grub_like();
	uint32_t full = blen;
	int wrong = 0;

	for (uint32_t n = 0; n < full; n++) {
		/* honest total_size, fewer bytes available */
		build_grub_like();
		wrong += parse_exact(n) != -EINVAL;
		/* total_size lies to match the truncated length */
		if (n >= 8)
			put32(0, n);
		wrong += parse_exact(n) != -EINVAL;
	}
	CHECK_EQ(wrong, 0);
}

TEST(mb2_larger_entries_are_stepped_by_entry_size)
{
	for (uint32_t esize = 32; esize <= 64; esize += 8) {
		mb2_reset();
		mb2_mmap(esize, 6, pc_map);
		mb2_finish();
		CHECK_EQ(parse_blob(), 0);
		CHECK_EQ(bi.nmem, 6);
		for (unsigned i = 0; i < 6; i++) {
			CHECK_EQ(bi.mem[i].base, pc_map[i].base);
			CHECK_EQ(bi.mem[i].len, pc_map[i].len);
			CHECK_EQ(bi.mem[i].type, pc_map[i].type);
		}
	}
}

TEST(mb2_zero_length_ranges_skipped)
{
	const struct boot_mem_range map[4] = {
	    {0x100000, 0x100000, 1}, {0x300000, 0, 1}, {0x400000, 0x1000, 2}, {0x0, 0, 5}};

	mb2_reset();
	mb2_mmap(24, 4, map);
	mb2_finish();
	CHECK_EQ(parse_blob(), 0);
	CHECK_EQ(bi.nmem, 2);
	CHECK_EQ(bi.mem[0].base, 0x100000);
	CHECK_EQ(bi.mem[1].base, 0x400000);
	CHECK_EQ(bi.mem[1].type, BOOT_MEM_RESERVED);
}

/* A map of n one-page ranges, every other one empty if `with_empty`. */
static void build_many_ranges(unsigned n, int with_empty)
{
	static struct boot_mem_range map[2 * BOOT_MAX_MEM + 2];
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++) {
		map[k++] = (struct boot_mem_range){(uint64_t)i << 20, 4096, 1};
		if (with_empty)
			map[k++] = (struct boot_mem_range){(uint64_t)i << 20, 0, 1};
	}
	mb2_reset();
	mb2_mmap(24, k, map);
	mb2_finish();
}

TEST(mb2_too_many_ranges_is_an_error)
{
	build_many_ranges(BOOT_MAX_MEM, 0);
	CHECK_EQ(parse_blob(), 0);
	CHECK_EQ(bi.nmem, BOOT_MAX_MEM);
	build_many_ranges(BOOT_MAX_MEM, 1); /* empty ones do not count */
	CHECK_EQ(parse_blob(), 0);
	CHECK_EQ(bi.nmem, BOOT_MAX_MEM);
	build_many_ranges(BOOT_MAX_MEM + 1, 0);
	CHECK_EQ(parse_blob(), -E2BIG);
}

TEST(mb2_too_many_modules_is_an_error)
{
	for (unsigned n = BOOT_MAX_MOD; n <= BOOT_MAX_MOD + 1; n++) {
		mb2_reset();
		for (unsigned i = 0; i < n; i++)
			mb2_module(0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 10, "mod");
		mb2_mmap(24, 1, pc_map);
		mb2_finish();
		CHECK_EQ(parse_blob(), n > BOOT_MAX_MOD ? -E2BIG : 0);
	}
	CHECK_EQ(bi.nmod, BOOT_MAX_MOD); /* the table filled up before the error */
}

/* The whole framing is checked before any tag is taken: a broken structure
 * is -EINVAL even when an earlier tag alone would give another error. */
TEST(mb2_framing_errors_come_first)
{
	build_many_ranges(BOOT_MAX_MEM + 1, 0);
	put32(0, blen - 8); /* cut off the end tag */
	CHECK_EQ(parse_exact(blen - 8), -EINVAL);

	mb2_reset();
	mb2_str(1, str_of(BOOT_CMDLINE_MAX + 10, 'c'));
	mb2_mmap(24, 1, pc_map);
	mb2_finish();
	put32(tag_off[1] + 4, 4);
	CHECK_EQ(parse_blob(), -EINVAL);
}

/* ---- Fuzzing ---- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* One random change to the blob or to how much of it is available. */
static void mutate(uint32_t *avail)
{
	uint32_t t = tag_off[rng() % ntags];

	switch (rng() % 6) {
	case 0: /* flip bits of a byte */
		blob[rng() % blen] ^= (uint8_t)(1 + rng() % 255);
		break;
	case 1: /* truncate */
		*avail = rng() % (*avail + 1);
		break;
	case 2: /* nudge a tag's size */
		put32(t + 4, blob[t + 4] + (uint32_t)(rng() % 33) - 16);
		break;
	case 3: /* set a tag's size to anything */
		put32(t + 4, rng() % 4 ? rng() % 512 : rng() * 65537u);
		break;
	case 4: /* change total_size */
		put32(0, rng() % 2 ? blen + (rng() % 33) - 16 : rng() % (2 * blen));
		break;
	default: /* change the map's entry size or a tag's type */
		if (rng() % 2)
			put32(tag_off[5] + 8, rng() % 80);
		else
			put32(t, rng() % 20);
		break;
	}
}

/* The invariants every successful parse must leave behind. */
static int parse_is_sane(uint32_t avail)
{
	if (!bi.have_mmap || bi.nmem > BOOT_MAX_MEM || bi.nmod > BOOT_MAX_MOD)
		return 0;
	if (bi.info_size > avail || bi.info_phys != MB2_PHYS)
		return 0;
	if (strnlen(bi.cmdline, sizeof bi.cmdline) == sizeof bi.cmdline ||
	    strnlen(bi.loader, sizeof bi.loader) == sizeof bi.loader)
		return 0;
	for (unsigned i = 0; i < bi.nmod; i++)
		if (bi.mod[i].end < bi.mod[i].start ||
		    strnlen(bi.mod[i].cmdline, BOOT_MODNAME_MAX) == BOOT_MODNAME_MAX)
			return 0;
	for (unsigned i = 0; i < bi.nmem; i++)
		if (bi.mem[i].len == 0)
			return 0;
	int r = bootinfo_check_memmap(&bi);
	return r == 0 || r == -EINVAL;
}

TEST(mb2_fuzz_never_crashes)
{
	unsigned ok = 0, failed = 0, odd = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 20000; i++) {
		build_grub_like();
		uint32_t avail = blen;
		for (unsigned k = 1 + rng() % 3; k > 0; k--)
			mutate(&avail);
		int r = parse_exact(avail);
		if (r == 0)
			odd += !parse_is_sane(avail), ok++;
		else if (r == -EINVAL || r == -ENOENT || r == -E2BIG || r == -ENAMETOOLONG)
			failed++;
		else
			odd++;
	}
	CHECK_EQ(odd, 0);
	CHECK(ok > 100);
	CHECK(failed > 100);
}

/* ---- PVH: guest-physical memory simulated by a heap buffer ---- */

#define SIM_BASE 0x100000u
#define SIM_SIZE 0x10000u
#define SI_AT (SIM_BASE + 0x0)
#define MODLIST_AT (SIM_BASE + 0x1000)
#define CMDLINE_AT (SIM_BASE + 0x2000)
#define MODNAME_AT (SIM_BASE + 0x3000)
#define MEMMAP_AT (SIM_BASE + 0x4000)

struct sim {
	uint8_t *mem;
	int err;	/* returned for unreadable ranges */
	size_t max_len; /* the largest single read seen */
	int wrapped;	/* asked for a range that wraps past 2^64 */
};

static struct sim sim;

static int sim_read(void *dst, uint64_t phys, size_t len, void *ctx)
{
	struct sim *s = ctx;

	if (len > s->max_len)
		s->max_len = len;
	if (phys + len < phys)
		s->wrapped = 1;
	if (phys < SIM_BASE || phys - SIM_BASE > SIM_SIZE || len > SIM_SIZE - (phys - SIM_BASE))
		return s->err;
	memcpy(dst, s->mem + (phys - SIM_BASE), len);
	return 0;
}

static uint8_t *at(uint64_t phys)
{
	return sim.mem + (phys - SIM_BASE);
}
static void poke32(uint64_t phys, uint32_t v)
{
	memcpy(at(phys), &v, 4);
}
static void poke64(uint64_t phys, uint64_t v)
{
	memcpy(at(phys), &v, 8);
}

/* hvm_start_info field offsets */
#define SI_MAGIC 0
#define SI_VERSION 4
#define SI_NR_MODULES 12
#define SI_MODLIST 16
#define SI_CMDLINE 24
#define SI_RSDP 32
#define SI_MEMMAP 40
#define SI_MEMMAP_ENTRIES 48

static const struct boot_mem_range e820[6] = {
    {0x0, 0x9fc00, 1},	      {0x9fc00, 0x400, 2},
    {0xf0000, 0x10000, 2},    {0x100000, 0x0, 1}, /* empty: skipped */
    {0x100000, 0x7ee0000, 1}, {0xfeffc000, 0x4000, 2},
};

static void pvh_set_memmap(unsigned n, const struct boot_mem_range *r)
{
	for (unsigned i = 0; i < n; i++) {
		poke64(MEMMAP_AT + i * 24, r[i].base);
		poke64(MEMMAP_AT + i * 24 + 8, r[i].len);
		poke32(MEMMAP_AT + i * 24 + 16, r[i].type);
	}
	poke32(SI_AT + SI_MEMMAP_ENTRIES, n);
}

static void pvh_set_module(unsigned i, uint64_t paddr, uint64_t size, uint64_t name)
{
	poke64(MODLIST_AT + i * 32, paddr);
	poke64(MODLIST_AT + i * 32 + 8, size);
	poke64(MODLIST_AT + i * 32 + 16, name);
}

/* What QEMU's direct boot hands over: cmdline, two modules, an E820 map. */
static void build_pvh(void)
{
	if (!sim.mem)
		sim.mem = malloc(SIM_SIZE);
	memset(sim.mem, 0, SIM_SIZE);
	sim.err = -EFAULT;
	sim.max_len = 0;
	sim.wrapped = 0;
	poke32(SI_AT + SI_MAGIC, PVH_START_MAGIC);
	poke32(SI_AT + SI_VERSION, 1);
	poke32(SI_AT + SI_NR_MODULES, 2);
	poke64(SI_AT + SI_MODLIST, MODLIST_AT);
	poke64(SI_AT + SI_CMDLINE, CMDLINE_AT);
	poke64(SI_AT + SI_RSDP, 0xf5a40);
	poke64(SI_AT + SI_MEMMAP, MEMMAP_AT);
	strcpy((char *)at(CMDLINE_AT), "console=ttyS0 selftest");
	strcpy((char *)at(MODNAME_AT), "/init");
	strcpy((char *)at(MODNAME_AT + 0x100), "/data.bin");
	pvh_set_module(0, 0x800000, 0x12345, MODNAME_AT);
	pvh_set_module(1, 0x900000, 0x1000, MODNAME_AT + 0x100);
	pvh_set_memmap(6, e820);
}

static int parse_pvh(void)
{
	return bootinfo_parse_pvh(SI_AT, sim_read, &sim, &bi);
}

TEST(pvh_start_info_parsed_exactly)
{
	build_pvh();
	CHECK_EQ(parse_pvh(), 0);
	CHECK_EQ(bi.protocol, BOOT_PVH);
	CHECK_STR(bi.loader, "PVH");
	CHECK_STR(bi.cmdline, "console=ttyS0 selftest");
	CHECK_EQ(bi.nmod, 2);
	CHECK_EQ(bi.mod[0].start, 0x800000);
	CHECK_EQ(bi.mod[0].end, 0x812345);
	CHECK_STR(bi.mod[0].cmdline, "/init");
	CHECK_EQ(bi.mod[1].start, 0x900000);
	CHECK_EQ(bi.mod[1].end, 0x901000);
	CHECK_STR(bi.mod[1].cmdline, "/data.bin");
	CHECK(bi.have_mmap);
	CHECK_EQ(bi.nmem, 5);
	for (unsigned i = 0, j = 0; i < 6; i++) {
		if (e820[i].len == 0)
			continue;
		CHECK_EQ(bi.mem[j].base, e820[i].base);
		CHECK_EQ(bi.mem[j].len, e820[i].len);
		CHECK_EQ(bi.mem[j].type, e820[i].type);
		j++;
	}
	CHECK_EQ(bi.rsdp_phys, 0xf5a40);
	CHECK_EQ(bi.rsdp_len, 0);
	CHECK_EQ(bi.info_phys, SI_AT);
	CHECK_EQ(bi.info_size, 56);
	CHECK(sim.max_len <= 64); /* only small, bounded reads */
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
}

TEST(pvh_bad_magic_or_version_rejected)
{
	build_pvh();
	poke32(SI_AT + SI_MAGIC, PVH_START_MAGIC ^ 1);
	CHECK_EQ(parse_pvh(), -EINVAL);

	build_pvh();
	poke32(SI_AT + SI_VERSION, 0);
	CHECK_EQ(parse_pvh(), -EINVAL);

	/* A version-0 structure is only 40 bytes: when those are the last
	 * readable bytes, the answer is still -EINVAL, not a fault. */
	build_pvh();
	uint64_t si = SIM_BASE + SIM_SIZE - 40;
	poke32(si + SI_MAGIC, PVH_START_MAGIC);
	poke32(si + SI_VERSION, 0);
	CHECK_EQ(bootinfo_parse_pvh(si, sim_read, &sim, &bi), -EINVAL);
}

TEST(pvh_missing_memory_map)
{
	build_pvh();
	poke32(SI_AT + SI_MEMMAP_ENTRIES, 0);
	CHECK_EQ(parse_pvh(), -ENOENT);

	build_pvh();
	poke64(SI_AT + SI_MEMMAP, 0); /* address 0 means "not present" */
	CHECK_EQ(parse_pvh(), -ENOENT);

	build_pvh(); /* a map with only empty ranges is still a map */
	pvh_set_memmap(1, &e820[3]);
	CHECK_EQ(parse_pvh(), 0);
	CHECK(bi.have_mmap);
	CHECK_EQ(bi.nmem, 0);
}

/* Each pointer in turn pointed outside readable memory, or near 2^64. */
TEST(pvh_pointers_out_of_range_fault)
{
	static const uint32_t fields[] = {SI_MODLIST, SI_CMDLINE, SI_MEMMAP};
	static const uint64_t bad[] = {0x1000, SIM_BASE + SIM_SIZE, ~0ull - 8, ~0ull - 0x2000};

	build_pvh();
	CHECK_EQ(bootinfo_parse_pvh(0x1000, sim_read, &sim, &bi), -EFAULT);
	CHECK_EQ(bootinfo_parse_pvh(SIM_BASE + SIM_SIZE - 4, sim_read, &sim, &bi), -EFAULT);
	poke32(SIM_BASE + SIM_SIZE - 48 + SI_MAGIC, PVH_START_MAGIC); /* version 1 cut short */
	poke32(SIM_BASE + SIM_SIZE - 48 + SI_VERSION, 1);
	CHECK_EQ(bootinfo_parse_pvh(SIM_BASE + SIM_SIZE - 48, sim_read, &sim, &bi), -EFAULT);
	CHECK_EQ(bootinfo_parse_pvh(~0ull - 20, sim_read, &sim, &bi), -EFAULT);
	for (unsigned f = 0; f < 3; f++) {
		for (unsigned b = 0; b < 4; b++) {
			build_pvh();
			poke64(SI_AT + fields[f], bad[b]);
			CHECK_EQ(parse_pvh(), -EFAULT);
			CHECK(!sim.wrapped); /* wrapping ranges never reach the reader */
		}
	}
	build_pvh(); /* a module's name out of reach */
	pvh_set_module(1, 0x900000, 0x1000, 0x2000);
	CHECK_EQ(parse_pvh(), -EFAULT);

	build_pvh(); /* the map runs off the end of readable memory */
	poke64(SI_AT + SI_MEMMAP, SIM_BASE + SIM_SIZE - 3 * 24);
	CHECK_EQ(parse_pvh(), -EFAULT);

	build_pvh(); /* an entry count whose array would wrap past 2^64 */
	poke64(SI_AT + SI_MEMMAP, ~0ull - 0x1000);
	poke32(SI_AT + SI_MEMMAP_ENTRIES, 0xffffffffu);
	CHECK_EQ(parse_pvh(), -EFAULT);
	CHECK(!sim.wrapped);
}

TEST(pvh_read_errors_are_passed_on)
{
	build_pvh();
	sim.err = -EIO;
	poke64(SI_AT + SI_CMDLINE, 0x3000);
	CHECK_EQ(parse_pvh(), -EIO);
}

TEST(pvh_string_limits)
{
	build_pvh();
	memset(at(CMDLINE_AT), 'c', BOOT_CMDLINE_MAX - 1);
	CHECK_EQ(parse_pvh(), 0);
	CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);

	build_pvh();
	memset(at(CMDLINE_AT), 'c', BOOT_CMDLINE_MAX + 100);
	CHECK_EQ(parse_pvh(), -ENAMETOOLONG);

	build_pvh();
	memset(at(MODNAME_AT + 0x100), 'm', BOOT_MODNAME_MAX - 1);
	CHECK_EQ(parse_pvh(), 0);
	CHECK_EQ(strlen(bi.mod[1].cmdline), BOOT_MODNAME_MAX - 1);

	build_pvh();
	memset(at(MODNAME_AT + 0x100), 'm', BOOT_MODNAME_MAX);
	CHECK_EQ(parse_pvh(), -ENAMETOOLONG);

	build_pvh(); /* address 0: no command line */
	poke64(SI_AT + SI_CMDLINE, 0);
	pvh_set_module(0, 0x800000, 0x10, 0);
	CHECK_EQ(parse_pvh(), 0);
	CHECK_STR(bi.cmdline, "");
	CHECK_STR(bi.mod[0].cmdline, "");
}

TEST(pvh_string_ending_at_the_last_readable_byte)
{
	for (uint32_t len = 0; len < 200; len += 7) {
		build_pvh();
		uint64_t s = SIM_BASE + SIM_SIZE - len - 1;
		memset(at(s), 'x', len);
		poke64(SI_AT + SI_CMDLINE, s);
		CHECK_EQ(parse_pvh(), 0);
		CHECK_EQ(strlen(bi.cmdline), len);
	}
}

TEST(pvh_too_many_ranges_or_modules)
{
	static struct boot_mem_range many[BOOT_MAX_MEM + 1];

	for (unsigned i = 0; i <= BOOT_MAX_MEM; i++)
		many[i] = (struct boot_mem_range){(uint64_t)i << 20, 4096, 1};
	build_pvh();
	pvh_set_memmap(BOOT_MAX_MEM, many);
	CHECK_EQ(parse_pvh(), 0);
	CHECK_EQ(bi.nmem, BOOT_MAX_MEM);
	pvh_set_memmap(BOOT_MAX_MEM + 1, many);
	CHECK_EQ(parse_pvh(), -E2BIG);

	build_pvh();
	for (unsigned i = 0; i < BOOT_MAX_MOD + 1; i++)
		pvh_set_module(i, 0x800000 + i * 0x1000, 0x1000, MODNAME_AT);
	poke32(SI_AT + SI_NR_MODULES, BOOT_MAX_MOD);
	CHECK_EQ(parse_pvh(), 0);
	CHECK_EQ(bi.nmod, BOOT_MAX_MOD);
	poke32(SI_AT + SI_NR_MODULES, BOOT_MAX_MOD + 1);
	CHECK_EQ(parse_pvh(), -E2BIG);
}

TEST(pvh_module_list_edge_cases)
{
	build_pvh(); /* a module whose end would pass 2^64 */
	pvh_set_module(1, ~0ull - 0x100, 0x200, MODNAME_AT);
	CHECK_EQ(parse_pvh(), -EINVAL);

	build_pvh(); /* no module list at all */
	poke64(SI_AT + SI_MODLIST, 0);
	CHECK_EQ(parse_pvh(), 0);
	CHECK_EQ(bi.nmod, 0);
}

/* ---- Memory map checks ---- */

static void set_map(unsigned n, const struct boot_mem_range *r)
{
	memset(&bi, 0, sizeof bi);
	if (n)
		memcpy(bi.mem, r, n * sizeof *r);
	bi.nmem = n;
}

TEST(memmap_check_sorts_by_base)
{
	const struct boot_mem_range shuffled[6] = {pc_map[3], pc_map[5], pc_map[0],
						   pc_map[4], pc_map[2], pc_map[1]};

	set_map(6, shuffled);
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
	CHECK_EQ(bi.nmem, 6);
	for (unsigned i = 0; i < 6; i++) {
		CHECK_EQ(bi.mem[i].base, pc_map[i].base);
		CHECK_EQ(bi.mem[i].len, pc_map[i].len);
		CHECK_EQ(bi.mem[i].type, pc_map[i].type);
	}
	set_map(0, NULL);
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
}

TEST(memmap_check_overlaps)
{
	const struct boot_mem_range adjacent[2] = {{0x2000, 0x1000, 1}, {0x1000, 0x1000, 1}};
	const struct boot_mem_range overlap[2] = {{0x2000, 0x1000, 1}, {0x1000, 0x1001, 1}};
	const struct boot_mem_range nested[2] = {{0x1000, 0x10000, 1}, {0x3000, 0x1000, 1}};
	const struct boot_mem_range same[2] = {{0x1000, 0x1000, 1}, {0x1000, 0x1000, 1}};
	/* the overlap is between the first and the third range */
	const struct boot_mem_range apart[3] = {
	    {0x0, 0x10000, 1}, {0x1000, 0x100, 2}, {0x8000, 0x1000, 1}};
	const struct boot_mem_range mixed[4] = {
	    {0x0, 0x10000, 1}, {0x1000, 0x100, 2}, {0x8000, 0x10000, 3}, {0x9000, 0x10, 2}};

	set_map(2, adjacent);
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
	set_map(2, overlap);
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
	set_map(2, nested);
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
	set_map(2, same);
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
	set_map(3, apart);
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
	set_map(4, mixed); /* usable under reserved, reserved under reserved: legal */
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
}

TEST(memmap_check_wraparound)
{
	const struct boot_mem_range wraps[2] = {{0x1000, 0x1000, 1}, {~0ull - 10, 100, 2}};
	const struct boot_mem_range to_top[1] = {{~0ull - 0xfff, 0x1000, 2}};
	const struct boot_mem_range below_top[1] = {{~0ull - 0xfff, 0xfff, 2}};

	set_map(2, wraps);
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
	set_map(1, to_top); /* the end, 2^64, is not representable */
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
	set_map(1, below_top);
	CHECK_EQ(bootinfo_check_memmap(&bi), 0);
	set_map(1, below_top);
	bi.nmem = BOOT_MAX_MEM + 1;
	CHECK_EQ(bootinfo_check_memmap(&bi), -EINVAL);
}

TEST(mem_type_names)
{
	CHECK_STR(bootinfo_mem_type_name(1), "usable");
	CHECK_STR(bootinfo_mem_type_name(2), "reserved");
	CHECK_STR(bootinfo_mem_type_name(3), "ACPI reclaimable");
	CHECK_STR(bootinfo_mem_type_name(4), "ACPI NVS");
	CHECK_STR(bootinfo_mem_type_name(5), "bad");
	CHECK_STR(bootinfo_mem_type_name(0), "unknown");
	CHECK_STR(bootinfo_mem_type_name(7), "unknown");
	CHECK_STR(bootinfo_mem_type_name(0xffffffffu), "unknown");
}
