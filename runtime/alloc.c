/*
 * The program's malloc and calloc: glibc's, except that a block of
 * RT_ALIGN_MIN bytes or more starts on a 64-byte (cache-line) boundary.
 * glibc aligns to 16 bytes, and large blocks (mmapped ones always, at the
 * page's start + 16) are often 16 bytes off a 32-byte boundary: then every
 * other 32-byte vector access of such an array (the AVX2 code the tiers
 * make for this CPU) spans two cache lines. bench/tiers/matmul took 0.36 or
 * 0.53 s from run to run as its matrix b happened to land (the runtime's own
 * earlier allocations move the program's heap). free, realloc and
 * malloc_usable_size take memalign's blocks as any other.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

#define RT_ALIGN 64
#define RT_ALIGN_MIN 4096
/* calloc's blocks from here up stay glibc's: it hands out fresh mmapped
 * pages without clearing them, which memalign and memset would touch */
#define RT_CALLOC_ALIGN_MAX (128 * 1024)

void *rt_malloc(size_t size)
{
	return size >= RT_ALIGN_MIN ? memalign(RT_ALIGN, size) : malloc(size);
}

void *rt_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	size_t total = n * size;
	if (total < RT_ALIGN_MIN || total >= RT_CALLOC_ALIGN_MAX)
		return calloc(n, size);
	void *p = memalign(RT_ALIGN, total);
	return p ? memset(p, 0, total) : NULL;
}
