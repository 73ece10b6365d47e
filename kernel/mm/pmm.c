/*
 * Physical page allocator: one bit per page of RAM below the top of the map,
 * under one lock, and in front of it a cache of free single pages on each
 * CPU (struct percpu's pages). The owner touches its cache with interrupts
 * off and no lock; single pages, the allocations of page faults and page
 * tables, reach the bitmap only when a cache runs empty or full, and then
 * CACHE_BATCH at a time. A cached page is in use in the bitmap and set in
 * `parked`: counts, pmm_page_is_free and the double-free check treat it as
 * free. Before any allocation fails, every CPU gives its cache back (a
 * cross-call to each other CPU), then the heap its cached blocks (when no
 * spinlock is held), and when the bitmap runs low the caches stop taking
 * batches and keeping frees, so no page waits in one.
 */
#include "pmm.h"

#include "bitalloc.h"
#include "bootmem.h"
#include "contract.h"
#include "heap.h"
#include "kernel.h"
#include "printf.h"
#include "kstring.h"
#include "memmap.h"
#include "panic.h"
#include "percpu.h"
#include "smp.h"
#include "spinlock.h"
#include "vm.h"
#include "x86.h"

#define PMM_MIN_USABLE ((uint64_t)BOOT_MIN_FREE_MIB << 20)
#define BOOT_MAPPED_TOP (4ul << 30) /* the boot page tables map the first 4 GiB */
#define FIRST_MIB (1ul << 20)
#define JUNK 0x6b
#define CACHE_BATCH (PERCPU_PAGES / 4)

_Static_assert(DIRECT_MAP_MAX == (uint64_t)BOOT_DIRECT_MAP_GIB << 30,
	       "the CLI's --mem limit (bootmem.h) must be the direct map's size");

extern char __image_phys_start[], __image_phys_end[];

static struct bitalloc pages; /* under lock */
static struct spinlock lock = SPINLOCK_INIT("pmm", LOCK_RANK_PMM);
static uint64_t top;
static uint64_t managed; /* pages free right after init */
static uint64_t *parked;  /* one bit per page: in some CPU's cache (atomic) */
static bool caches_on;    /* GS reaches this CPU's struct percpu */

struct bitmap_place {
	uint64_t need; /* bytes */
	uint64_t at;   /* chosen physical address, 0 until found */
};

static void count_only(uint64_t base, uint64_t end, void *ctx)
{
	(void)base;
	(void)end;
	(void)ctx;
}

static void find_bitmap_home(uint64_t base, uint64_t end, void *ctx)
{
	struct bitmap_place *p = ctx;

	if (!p->at && end <= BOOT_MAPPED_TOP && end - base >= p->need)
		p->at = base;
}

static void add_free(uint64_t base, uint64_t end, void *ctx)
{
	(void)ctx;
	bitalloc_mark_free(&pages, base / PAGE_SIZE, (end - base) / PAGE_SIZE);
}

static unsigned reserved_ranges(const struct bootinfo *bi, struct phys_range *r)
{
	unsigned n = 0;

	r[n++] = (struct phys_range){(uint64_t)(uintptr_t)__image_phys_start,
				     (uint64_t)(uintptr_t)__image_phys_end};
	r[n++] = (struct phys_range){bi->info_phys, bi->info_phys + bi->info_size};
	for (unsigned i = 0; i < bi->nmod; i++)
		r[n++] = (struct phys_range){bi->mod[i].start, bi->mod[i].end};
	return n;
}

void pmm_init(const struct bootinfo *bi)
{
	struct phys_range res[2 + BOOT_MAX_MOD];
	unsigned nres = reserved_ranges(bi, res);
	struct bitmap_place place = {0, 0};

	top = 0;
	for (unsigned i = 0; i < bi->nmem; i++)
		if (bi->mem[i].type == BOOT_MEM_USABLE && bi->mem[i].base + bi->mem[i].len > top)
			top = bi->mem[i].base + bi->mem[i].len;
	top &= ~(PAGE_SIZE - 1);

	uint64_t usable = memmap_free_ranges(bi, res, nres, FIRST_MIB, count_only, NULL);
	uint64_t need = PMM_MIN_USABLE; /* and a program's devices (bootmem.h) */
	if (cmdline_get(CONTRACT_WORD_RUN, NULL, 0)) {
		need += (uint64_t)BOOT_CONSOLE_MIB << 20;
		for (unsigned i = 0; i < CONTRACT_DISK_MAX; i++) {
			char key[16];
			ksnprintf(key, sizeof key, CONTRACT_DISK_WORD "%u", i);
			if (cmdline_get(key, NULL, 0))
				need += (uint64_t)BOOT_DISK_MIB << 20;
		}
	}
	if (usable < need)
		panic("pmm: too little RAM: %lu MiB usable, BareFlow needs at least %lu MiB",
		      usable >> 20, need >> 20);
	if (top > DIRECT_MAP_MAX)
		panic("pmm: RAM ends at %lu GiB, beyond the %lu GiB direct map", top >> 30,
		      DIRECT_MAP_MAX >> 30);

	/* The bitmap, then `parked` of the same size. */
	uint64_t words = bitalloc_words(top / PAGE_SIZE);
	place.need = (2 * words * 8 + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	memmap_free_ranges(bi, res, nres, FIRST_MIB, find_bitmap_home, &place);
	if (!place.at)
		panic("pmm: no room below 4 GiB for the %lu KiB page bitmap", place.need >> 10);

	bitalloc_init(&pages, phys_to_virt(place.at), top / PAGE_SIZE);
	memmap_free_ranges(bi, res, nres, FIRST_MIB, add_free, NULL);
	bitalloc_mark_used(&pages, place.at / PAGE_SIZE, place.need / PAGE_SIZE);
	managed = pages.nfree;
	parked = (uint64_t *)phys_to_virt(place.at) + words;
	memset(parked, 0, words * 8);
	if (rdmsr(MSR_GS_BASE) != (uint64_t)(uintptr_t)percpu_of(0))
		panic("pmm_init: before the per-CPU data (gdt_init)");
	caches_on = true;
}

/* Mark pfn cached; returns whether it already was (a double free). */
static bool park(uint64_t pfn)
{
	uint64_t bit = 1ull << (pfn % 64);
	return __atomic_fetch_or(&parked[pfn / 64], bit, __ATOMIC_RELAXED) & bit;
}

static void unpark(uint64_t pfn) { __atomic_fetch_and(&parked[pfn / 64], ~(1ull << (pfn % 64)), __ATOMIC_RELAXED); }

static bool is_parked(uint64_t pfn)
{
	return pfn < pages.nbits && __atomic_load_n(&parked[pfn / 64], __ATOMIC_RELAXED) >> (pfn % 64) & 1;
}

/* Few pages left in the bitmap: caches would hold what others need. */
static bool running_low(void) { return pages.nfree < (uint64_t)PERCPU_PAGES * smp_cpus(); }

/* Move up to n pages from the bitmap into c's cache; lock held. */
static void cache_fill(struct percpu *c, unsigned n)
{
	while (n-- && c->npages < PERCPU_PAGES) {
		int64_t pfn = bitalloc_alloc(&pages, 1, 1);
		if (pfn < 0)
			return;
		park((uint64_t)pfn);
		c->pages[c->npages++] = (uint64_t)pfn;
	}
}

/* Return n cached pages to the bitmap; lock held. */
static void cache_return(const uint64_t *pfn, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unpark(pfn[i]);
		if (bitalloc_free(&pages, pfn[i], 1))
			panic("pmm: cached page %lx is free in the bitmap", pfn[i] * PAGE_SIZE);
	}
}

struct handover {
	unsigned n;
	uint64_t pfn[PERCPU_PAGES];
};

/* A cross-call: this CPU's cache, emptied into the caller's hands. No lock
 * (smp.h): cache code polls calls only where its cache is whole. */
static void cache_hand_over(void *arg)
{
	struct handover *h = arg;
	struct percpu *c = this_cpu();

	h->n = c->npages;
	memcpy(h->pfn, c->pages, c->npages * sizeof *c->pages);
	c->npages = 0;
}

/* Every CPU's cache back into the bitmap: before an allocation fails. */
static void caches_drain(void)
{
	struct handover h;

	for (unsigned cpu = 0; cpu < smp_cpus(); cpu++) {
		smp_call(cpu, cache_hand_over, &h);
		uint64_t flags = spin_lock_irqsave(&lock);
		cache_return(h.pfn, h.n);
		spin_unlock_irqrestore(&lock, flags);
	}
}

/* One page from this CPU's cache, refilled from the bitmap; 0 if none. */
static uint64_t cache_alloc(void)
{
	uint64_t flags = irq_save();
	struct percpu *c = this_cpu();
	uint64_t pfn = 0;

	if (!c->npages) {
		spin_lock(&lock); /* may run a cross-call that empties c: read it after */
		cache_fill(c, running_low() ? 1 : CACHE_BATCH);
		spin_unlock(&lock);
	}
	if (c->npages) {
		pfn = c->pages[--c->npages];
		unpark(pfn);
	}
	irq_restore(flags);
	return pfn * PAGE_SIZE;
}

/* Keep a freed page in this CPU's cache, giving the oldest batch back when
 * full; straight to the bitmap when it runs low. */
static void cache_free(uint64_t pfn)
{
	uint64_t flags = irq_save();
	struct percpu *c = this_cpu();
	bool keep = true;

	if (c->npages == PERCPU_PAGES || running_low()) {
		spin_lock(&lock); /* may run a cross-call that empties c: read it after */
		unsigned n = c->npages < CACHE_BATCH ? c->npages : CACHE_BATCH;
		cache_return(c->pages, n);
		memmove(c->pages, c->pages + n, (c->npages - n) * sizeof *c->pages);
		c->npages -= n;
		keep = !running_low();
		if (!keep)
			cache_return(&pfn, 1);
		spin_unlock(&lock);
	}
	if (keep)
		c->pages[c->npages++] = pfn;
	irq_restore(flags);
}

static uint64_t bitmap_alloc(size_t n, uint64_t align)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	int64_t pfn = bitalloc_alloc(&pages, n, align / PAGE_SIZE);
	spin_unlock_irqrestore(&lock, flags);
	return pfn < 0 ? 0 : (uint64_t)pfn * PAGE_SIZE;
}

uint64_t pmm_alloc_pages(size_t n, uint64_t align)
{
	KASSERT(align >= PAGE_SIZE && !(align & (align - 1)));
	uint64_t pa = 0;

	if (caches_on && n == 1 && align == PAGE_SIZE)
		pa = cache_alloc();
	if (!pa)
		pa = bitmap_alloc(n, align);
	if (!pa && caches_on) { /* the pages the caches hold may be the last */
		caches_drain();
		pa = bitmap_alloc(n, align);
	}
	if (!pa && caches_on && !this_cpu()->lock_depth) { /* or slabs kept by cached blocks */
		heap_drain_caches();
		pa = bitmap_alloc(n, align);
	}
	return pa;
}

uint64_t pmm_alloc_zeroed(void)
{
	uint64_t pa = pmm_alloc_pages(1, PAGE_SIZE);

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

static void release(uint64_t phys, size_t n, bool junk)
{
	uint64_t pfn = phys / PAGE_SIZE;

	if (phys & (PAGE_SIZE - 1))
		panic("pmm_free_pages: unaligned address %lx", phys);
	if (caches_on && n == 1) {
		/* The bitmap's bit for pfn changes only by a free or an allocation of
		 * pfn itself, so it may be read without the lock. */
		if (pfn >= pages.nbits || bitalloc_is_free(&pages, pfn) || park(pfn))
			panic("pmm_free_pages: double free or bad range %lx + 1 pages", phys);
		if (junk)
			memset(phys_to_virt(phys), JUNK, PAGE_SIZE);
		cache_free(pfn);
		return;
	}
	uint64_t flags = spin_lock_irqsave(&lock);
	for (size_t i = 0; caches_on && i < n; i++)
		if (is_parked(pfn + i)) /* freed already, and waiting in a cache */
			panic("pmm_free_pages: double free of %lx (in range %lx + %zu pages)",
			      (pfn + i) * PAGE_SIZE, phys, n);
	if (!n || bitalloc_free(&pages, pfn, n))
		panic("pmm_free_pages: double free or bad range %lx + %zu pages", phys, n);
	if (junk) /* before another CPU can have them */
		memset(phys_to_virt(phys), JUNK, n * PAGE_SIZE);
	spin_unlock_irqrestore(&lock, flags);
}

void pmm_free_pages(uint64_t phys, size_t n) { release(phys, n, true); }

/*
 * A program's pages are zeroed when they are next mapped (pmm_alloc_zeroed),
 * and no kernel pointer leads into them, so junk would expose nothing. It
 * would cost much under QEMU's TCG: the first write to a page whose code the
 * program ran throws away that page's translated code, and the JIT's runtime
 * ran 2.3 s of such writes at exit (12,000 pages, the LLVM it executed).
 */
void pmm_free_user_pages(uint64_t phys, size_t n) { release(phys, n, false); }

int pmm_page_is_free(uint64_t phys)
{
	return bitalloc_is_free(&pages, phys / PAGE_SIZE) || (caches_on && is_parked(phys / PAGE_SIZE));
}

uint64_t pmm_free_count(void)
{
	uint64_t n = __atomic_load_n(&pages.nfree, __ATOMIC_RELAXED);

	for (unsigned cpu = 0; cpu < smp_cpus(); cpu++)
		n += __atomic_load_n(&percpu_of(cpu)->npages, __ATOMIC_RELAXED);
	return n;
}
uint64_t pmm_total_count(void) { return managed; }
uint64_t pmm_max_phys(void) { return top; }
