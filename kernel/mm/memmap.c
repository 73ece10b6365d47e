/* Usable-RAM ranges from the boot map, minus everything that must be kept. */
#include "memmap.h"

#define PAGE 4096ull

/* Round up to a page, saturating at the last page instead of wrapping to 0. */
static uint64_t up(uint64_t x) { return x > ~0ull - (PAGE - 1) ? ~(PAGE - 1) : (x + PAGE - 1) & ~(PAGE - 1); }
static uint64_t down(uint64_t x) { return x & ~(PAGE - 1); }

/* End of range r, saturating instead of wrapping. */
static uint64_t range_end(uint64_t base, uint64_t len)
{
	return base + len < base ? ~0ull : base + len;
}

/* Lowest start of an exclusion overlapping [lo, hi), or hi if none; *excl_end
 * receives the end of that exclusion. Exclusions are the map's non-usable
 * ranges and the extra reserved list. */
static uint64_t next_hole(const struct bootinfo *bi, const struct phys_range *res, unsigned nres,
			  uint64_t lo, uint64_t hi, uint64_t *excl_end)
{
	uint64_t best = hi;

	*excl_end = hi;
	for (unsigned i = 0; i < bi->nmem + nres; i++) {
		uint64_t b, e;
		if (i < bi->nmem) {
			if (bi->mem[i].type == BOOT_MEM_USABLE)
				continue;
			b = down(bi->mem[i].base);
			e = up(range_end(bi->mem[i].base, bi->mem[i].len));
		} else {
			b = down(res[i - bi->nmem].base);
			e = up(res[i - bi->nmem].end);
		}
		if (e <= lo || b >= hi)
			continue;
		if (b < lo)
			b = lo;
		if (b < best || (b == best && e > *excl_end)) {
			best = b;
			*excl_end = e;
		}
	}
	return best;
}

uint64_t memmap_free_ranges(const struct bootinfo *bi, const struct phys_range *res,
			    unsigned nres, uint64_t floor, memmap_fn fn, void *ctx)
{
	uint64_t total = 0, last_end = 0;

	for (unsigned i = 0; i < bi->nmem; i++) {
		if (bi->mem[i].type != BOOT_MEM_USABLE)
			continue;
		uint64_t lo = up(bi->mem[i].base), hi = down(range_end(bi->mem[i].base, bi->mem[i].len));
		if (lo < floor)
			lo = floor;
		if (lo < last_end) /* never report a page twice */
			lo = last_end;
		while (lo < hi) {
			uint64_t excl_end, hole = next_hole(bi, res, nres, lo, hi, &excl_end);
			if (hole > lo) {
				fn(lo, hole, ctx);
				total += hole - lo;
			}
			lo = excl_end;
		}
		if (hi > last_end)
			last_end = hi;
	}
	return total;
}

uint64_t memmap_top(const struct bootinfo *bi)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < bi->nmem; i++) {
		uint64_t e = range_end(bi->mem[i].base, bi->mem[i].len);
		if (e > top)
			top = e;
	}
	return top;
}
