/* Kernel heap: kmalloc/kfree/krealloc for sizes from 1 byte to 1 GiB and more. */
#ifndef BF_HEAP_H
#define BF_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* Set up the heap; requires pmm_init and vm_init. */
void heap_init(void);
/* Returns memory aligned to 16 bytes (page aligned for sizes > 2 KiB), or
 * NULL when size is 0 or memory is exhausted. Never panics for lack of memory. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
/* Whole pages with an unmapped guard page just below them (a stack: running
 * off its bottom faults instead of overwriting a neighbour); kfree frees
 * them. NULL as kmalloc. */
void *kmalloc_guarded(size_t size);
/* Free a pointer from kmalloc (NULL is ignored). Panics on a pointer the heap
 * did not hand out or on a double free; freed memory is filled with junk. */
void kfree(void *p);
/* Resize, preserving contents; like C realloc. On failure returns NULL and
 * leaves p untouched. */
void *krealloc(void *p, size_t size);
/* Give every CPU's cached free blocks (heap.c) back to their slabs, and the
 * slabs left empty to pmm: before a leak check counts pages, or when pages
 * run out. Takes the heap lock and sends cross-calls: call it holding no
 * spinlock. */
void heap_drain_caches(void);
/* Usable size of a live block. */
size_t ksize(const void *p);

struct heap_stats {
	uint64_t live_allocs; /* kmalloc'd and not yet freed */
	uint64_t live_bytes;  /* usable bytes of those blocks (plus heap bookkeeping) */
	uint64_t slab_pages;  /* pages backing small blocks */
	uint64_t large_pages; /* pages backing large blocks */
};
void heap_stats(struct heap_stats *out);

#endif
