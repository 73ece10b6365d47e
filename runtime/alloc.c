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
 *
 * A large calloc block is populated writable on Linux (calloc_populate).
 */
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* calloc's fresh mmapped pages are the kernel's: Linux maps its shared zero
 * page where a program reads one before writing it (a hash table probed
 * before it is filled), and the write then faults again, to replace it. A
 * replaced page is a TLB flush on every CPU running the process, sent as an
 * interrupt, and this process has the compiler thread: bench/real's
 * wordfreq, whose tables grow by calloc, spent 7.5% of its thread's time
 * sending them (perf; most of it in its last 0.2 s, while a late compile
 * ran), which the same program built by clang does not (one thread: the
 * flush is local). So a block is populated writable at once
 * (MADV_POPULATE_WRITE, Linux 5.14): each page faults in once, as the
 * program's first write would have, with nothing to flush. Only up to
 * CALLOC_POPULATE_MAX: a larger block may be used sparsely, and a page never
 * touched would cost memory (and CALLOC_POPULATE_TOTAL in all). Not on
 * BareFlow's kernel, which maps no zero page; where the call fails (a
 * kernel older than 5.14), the block is as calloc left it, and no later
 * one is tried. */
#define CALLOC_POPULATE_MAX (64ul << 20)
/* and no more than this in all: many sparse tables would otherwise hold
 * far more memory than the program built alone */
#define CALLOC_POPULATE_TOTAL (512ul << 20)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static atomic_bool unsupported; /* the kernel refused it once */
static atomic_size_t populated;

static void calloc_populate(void *p, size_t total)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + total) & ~(page - 1);
	if (total > CALLOC_POPULATE_MAX || end <= start || rt_on_bareflow() ||
	    atomic_load_explicit(&unsupported, memory_order_relaxed) ||
	    atomic_fetch_add(&populated, end - start) + (end - start) > CALLOC_POPULATE_TOTAL)
		return;
	int saved = errno; /* calloc succeeded, whatever this does */
	if (madvise((void *)start, end - start, MADV_POPULATE_WRITE) && errno == EINVAL)
		atomic_store_explicit(&unsupported, true, memory_order_relaxed);
	errno = saved;
}

void *rt_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	size_t total = n * size;
	if (total >= RT_CALLOC_ALIGN_MAX) {
		void *p = calloc(n, size);
		if (p)
			calloc_populate(p, total);
		return p;
	}
	if (total < RT_ALIGN_MIN)
		return calloc(n, size);
	void *p = memalign(RT_ALIGN, total);
	return p ? memset(p, 0, total) : NULL;
}
