/* Bitmap range allocator: one bit per unit (page), 1 = in use. Pure logic,
 * shared by the physical page allocator and the kernel heap's address space. */
#ifndef BF_BITALLOC_H
#define BF_BITALLOC_H

#include <stdbool.h>
#include <stdint.h>

struct bitalloc {
	uint64_t *map;  /* ceil(nbits / 64) words */
	uint64_t nbits;
	uint64_t nfree;
	uint64_t hint;  /* where the next search starts (next fit) */
};

/* Words of storage needed for nbits. */
static inline uint64_t bitalloc_words(uint64_t nbits) { return (nbits + 63) / 64; }

/* Take over `map` and mark every unit in use. */
void bitalloc_init(struct bitalloc *b, uint64_t *map, uint64_t nbits);
/* Mark [first, first+n) free / in use, whatever its state was; clipped to nbits. */
void bitalloc_mark_free(struct bitalloc *b, uint64_t first, uint64_t n);
void bitalloc_mark_used(struct bitalloc *b, uint64_t first, uint64_t n);
/* Find and take n contiguous free units starting at a multiple of `align`
 * (a power of two >= 1). Returns the first unit, or -1 if no such run exists. */
int64_t bitalloc_alloc(struct bitalloc *b, uint64_t n, uint64_t align);
/* Release [first, first+n). Returns 0, or -EINVAL if the range is out of
 * bounds or any unit in it is already free (a double free); then nothing changes. */
int bitalloc_free(struct bitalloc *b, uint64_t first, uint64_t n);
bool bitalloc_is_free(const struct bitalloc *b, uint64_t i);

#endif
