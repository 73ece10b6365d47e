/* Physical page allocator over all usable RAM from the boot memory map. */
#ifndef BF_PMM_H
#define BF_PMM_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"

#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12
#define HUGE_PAGE_SIZE (2ul << 20)

/*
 * Build the allocator from the boot map, keeping out the kernel image, the
 * boot modules and the loader's info. Panics (a boot-time invariant) if the
 * map leaves less RAM than BareFlow needs.
 */
void pmm_init(const struct bootinfo *bi);

/* Allocate n contiguous pages aligned to `align` bytes (a power of two, at
 * least PAGE_SIZE). Contents are undefined. Returns the physical address, or 0
 * when no such run is free. */
uint64_t pmm_alloc_pages(size_t n, uint64_t align);
/* One page, zero-filled. Returns 0 when memory is exhausted. */
uint64_t pmm_alloc_zeroed(void);
/* Free pages from pmm_alloc_pages. Panics on a double free or a bad address,
 * and fills the pages with junk (0x6b) to expose dangling pointers. */
void pmm_free_pages(uint64_t phys, size_t n);
/* Free the frames of a program's pages: the same checks, no junk (their next
 * user zeroes them). */
void pmm_free_user_pages(uint64_t phys, size_t n);

/* True if the page holding phys is currently free (for tests). */
int pmm_page_is_free(uint64_t phys);

uint64_t pmm_free_count(void);   /* pages free now */
uint64_t pmm_total_count(void);  /* pages managed */
uint64_t pmm_max_phys(void);     /* end of the highest RAM range */

#endif
