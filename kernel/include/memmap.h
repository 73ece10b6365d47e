/* Turning the boot memory map into page ranges that are safe to allocate. */
#ifndef BF_MEMMAP_H
#define BF_MEMMAP_H

#include <stdint.h>

#include "bootinfo.h"

struct phys_range {
	uint64_t base;
	uint64_t end; /* exclusive */
};

/*
 * Call `fn(base, end, ctx)` for every page-aligned range of RAM that the boot
 * map calls usable and that overlaps neither a non-usable range of the map
 * nor any of the `nres` extra reserved ranges (kernel image, modules, boot
 * info, ...). Ranges are visited in ascending order and never overlap. Usable
 * ranges below `floor` are skipped (the first MiB holds BIOS data). Returns
 * the number of bytes reported.
 */
typedef void (*memmap_fn)(uint64_t base, uint64_t end, void *ctx);
uint64_t memmap_free_ranges(const struct bootinfo *bi, const struct phys_range *res,
			    unsigned nres, uint64_t floor, memmap_fn fn, void *ctx);

/* Highest end address of any range in the map (usable or not). */
uint64_t memmap_top(const struct bootinfo *bi);

#endif
