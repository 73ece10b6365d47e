/* Host tests of the page allocator's bookkeeping: the bitmap range allocator
 * and the usable-range computation from a boot memory map. */
#include <stdint.h>
#include <stdlib.h>

#include "bitalloc.h"
#include "bootinfo.h"
#include "harness.h"
#include "kerrno.h"
#include "memmap.h"

static uint64_t count_free(const struct bitalloc *b)
{
	uint64_t n = 0;
	for (uint64_t i = 0; i < b->nbits; i++)
		n += bitalloc_is_free(b, i);
	return n;
}

TEST(bitalloc_starts_all_used_and_marks)
{
	uint64_t map[3];
	struct bitalloc b;

	bitalloc_init(&b, map, 150);
	CHECK_EQ(b.nfree, 0);
	CHECK_EQ(bitalloc_alloc(&b, 1, 1), -1);
	bitalloc_mark_free(&b, 10, 100);
	CHECK_EQ(b.nfree, 100);
	bitalloc_mark_free(&b, 50, 20); /* already free: no double count */
	CHECK_EQ(b.nfree, 100);
	bitalloc_mark_used(&b, 0, 20);
	CHECK_EQ(b.nfree, 90);
	bitalloc_mark_free(&b, 140, 100); /* clipped at nbits */
	CHECK_EQ(b.nfree, 100);
	CHECK_EQ(count_free(&b), b.nfree);
	CHECK(!bitalloc_is_free(&b, 150));
}

TEST(bitalloc_alloc_alignment_and_exhaustion)
{
	uint64_t map[16];
	struct bitalloc b;

	bitalloc_init(&b, map, 1024);
	bitalloc_mark_free(&b, 3, 1000);
	CHECK_EQ(bitalloc_alloc(&b, 512, 512), -1); /* 512..1023 is not all free */
	bitalloc_mark_free(&b, 1003, 21);
	int64_t a = bitalloc_alloc(&b, 512, 512);
	CHECK_EQ(a, 512);
	int64_t c = bitalloc_alloc(&b, 5, 1);
	CHECK(c >= 3 && c + 5 <= 512);
	CHECK_EQ(bitalloc_alloc(&b, 600, 1), -1); /* no run that long remains */
	CHECK_EQ(bitalloc_alloc(&b, 0, 1), -1);
	CHECK_EQ(bitalloc_alloc(&b, 1, 3), -1); /* alignment must be a power of two */
	CHECK_EQ(b.nfree, 1021 - 517);
	CHECK_EQ(count_free(&b), b.nfree);
}

TEST(bitalloc_double_free_and_bounds_rejected)
{
	uint64_t map[2];
	struct bitalloc b;

	bitalloc_init(&b, map, 128);
	bitalloc_mark_free(&b, 0, 128);
	int64_t a = bitalloc_alloc(&b, 10, 1);
	CHECK(a >= 0);
	CHECK_EQ(bitalloc_free(&b, (uint64_t)a, 10), 0);
	CHECK_EQ(bitalloc_free(&b, (uint64_t)a, 10), -EINVAL);
	CHECK_EQ(bitalloc_free(&b, 120, 20), -EINVAL);
	CHECK_EQ(b.nfree, 128);
	a = bitalloc_alloc(&b, 4, 1);
	CHECK_EQ(bitalloc_free(&b, (uint64_t)a, 8), -EINVAL); /* partly free: nothing changes */
	CHECK_EQ(b.nfree, 124);
}

/* A random workload against a simple reference model of the same bitmap. */
TEST(bitalloc_random_matches_model)
{
	enum { N = 4096, LIVE = 64 };
	static uint64_t map[N / 64];
	static uint8_t model[N];
	struct { int64_t at; uint64_t n; } live[LIVE] = {{0}};
	struct bitalloc b;
	unsigned seed = 12345;

	bitalloc_init(&b, map, N);
	bitalloc_mark_free(&b, 100, N - 200);
	for (int i = 0; i < N; i++)
		model[i] = !(i >= 100 && i < N - 100);
	for (int step = 0; step < 20000; step++) {
		int k = rand_r(&seed) % LIVE;
		if (live[k].n) {
			CHECK_EQ(bitalloc_free(&b, (uint64_t)live[k].at, live[k].n), 0);
			for (uint64_t j = 0; j < live[k].n; j++)
				model[live[k].at + (int64_t)j] = 0;
			live[k].n = 0;
			continue;
		}
		uint64_t n = 1 + (uint64_t)(rand_r(&seed) % 100), align = 1ull << (rand_r(&seed) % 5);
		int64_t at = bitalloc_alloc(&b, n, align);
		if (at < 0)
			continue;
		CHECK_EQ(at % (int64_t)align, 0);
		for (uint64_t j = 0; j < n; j++) {
			CHECK_EQ(model[at + (int64_t)j], 0);
			model[at + (int64_t)j] = 1;
		}
		live[k].at = at;
		live[k].n = n;
	}
	uint64_t free_model = 0;
	for (int i = 0; i < N; i++) {
		free_model += !model[i];
		if (bitalloc_is_free(&b, (uint64_t)i) != !model[i]) {
			CHECK(bitalloc_is_free(&b, (uint64_t)i) == !model[i]);
			break;
		}
	}
	CHECK_EQ(b.nfree, free_model);
}

struct collected {
	int n;
	uint64_t base[16], end[16];
};

static void collect(uint64_t base, uint64_t end, void *ctx)
{
	struct collected *c = ctx;
	if (c->n < 16) {
		c->base[c->n] = base;
		c->end[c->n] = end;
	}
	c->n++;
}

static struct bootinfo bi;

static void add_range(uint64_t base, uint64_t len, uint32_t type)
{
	bi.mem[bi.nmem++] = (struct boot_mem_range){base, len, type};
}

/* A PC-like map: low memory, the BIOS hole, RAM with an ACPI range inside. */
TEST(memmap_excludes_reserved_image_modules_and_low_mib)
{
	struct collected c = {0};
	struct phys_range res[2] = {{0x100000, 0x180123}, {0x2000000, 0x2001000}};

	bi.nmem = 0;
	add_range(0, 0x9fc00, BOOT_MEM_USABLE);
	add_range(0x9fc00, 0x400, BOOT_MEM_RESERVED);
	add_range(0xf0000, 0x10000, BOOT_MEM_RESERVED);
	add_range(0x100000, 0x7ee0000, BOOT_MEM_USABLE); /* to 0x7fe0000 */
	add_range(0x7fe0000, 0x20000, BOOT_MEM_ACPI_RECLAIMABLE);
	add_range(0x100000000ull, 0x40000000, BOOT_MEM_USABLE);
	add_range(0x100001000ull, 0x1000, BOOT_MEM_RESERVED); /* hole inside usable RAM */

	uint64_t total = memmap_free_ranges(&bi, res, 2, 0x100000, collect, &c);
	CHECK_EQ(c.n, 4);
	CHECK_EQ(c.base[0], 0x181000); /* image end rounded up to a page */
	CHECK_EQ(c.end[0], 0x2000000);
	CHECK_EQ(c.base[1], 0x2001000);
	CHECK_EQ(c.end[1], 0x7fe0000);
	CHECK_EQ(c.base[2], 0x100000000ull);
	CHECK_EQ(c.end[2], 0x100001000ull);
	CHECK_EQ(c.base[3], 0x100002000ull);
	CHECK_EQ(c.end[3], 0x140000000ull);
	CHECK_EQ(total, (0x2000000 - 0x181000) + (0x7fe0000 - 0x2001000) + 0x1000 +
				(0x140000000ull - 0x100002000ull));
	CHECK_EQ(memmap_top(&bi), 0x140000000ull);
}

TEST(memmap_unaligned_ranges_shrink_inward_and_overlaps_counted_once)
{
	struct collected c = {0};

	bi.nmem = 0;
	add_range(0x100800, 0x3000, BOOT_MEM_USABLE);  /* 0x101000..0x103000 after rounding */
	add_range(0x102000, 0x4000, BOOT_MEM_USABLE);  /* overlaps the previous one */
	add_range(0x200000, 0x800, BOOT_MEM_USABLE);   /* less than a page: nothing */
	uint64_t total = memmap_free_ranges(&bi, NULL, 0, 0x100000, collect, &c);
	CHECK_EQ(c.n, 2);
	CHECK_EQ(c.base[0], 0x101000);
	CHECK_EQ(c.end[0], 0x103000);
	CHECK_EQ(c.base[1], 0x103000);
	CHECK_EQ(c.end[1], 0x106000);
	CHECK_EQ(total, 0x5000);
}

TEST(memmap_empty_or_all_reserved_reports_nothing)
{
	struct collected c = {0};
	struct phys_range all = {0, ~0ull};

	bi.nmem = 0;
	CHECK_EQ(memmap_free_ranges(&bi, NULL, 0, 0, collect, &c), 0);
	add_range(0x100000, 0x100000, BOOT_MEM_USABLE);
	CHECK_EQ(memmap_free_ranges(&bi, &all, 1, 0, collect, &c), 0);
	CHECK_EQ(c.n, 0);
	add_range(0xfffffffffffff000ull, 0x2000, BOOT_MEM_USABLE); /* wraps: saturates */
	CHECK_EQ(memmap_top(&bi), ~0ull);
}
