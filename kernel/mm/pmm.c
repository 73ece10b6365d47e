/* Physical page allocator: one bit per page of RAM below the top of the map. */
#include "pmm.h"

#include "bitalloc.h"
#include "bootmem.h"
#include "contract.h"
#include "kernel.h"
#include "printf.h"
#include "kstring.h"
#include "memmap.h"
#include "panic.h"
#include "spinlock.h"
#include "vm.h"
#include "x86.h"

#define PMM_MIN_USABLE ((uint64_t)BOOT_MIN_FREE_MIB << 20)
#define BOOT_MAPPED_TOP (4ul << 30) /* the boot page tables map the first 4 GiB */
#define FIRST_MIB (1ul << 20)
#define JUNK 0x6b

_Static_assert(DIRECT_MAP_MAX == (uint64_t)BOOT_DIRECT_MAP_GIB << 30,
	       "the CLI's --mem limit (bootmem.h) must be the direct map's size");

extern char __image_phys_start[], __image_phys_end[];

static struct bitalloc pages; /* under lock */
static struct spinlock lock = SPINLOCK_INIT("pmm", LOCK_RANK_PMM);
static uint64_t top;
static uint64_t managed; /* pages free right after init */

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

	place.need = (bitalloc_words(top / PAGE_SIZE) * 8 + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	memmap_free_ranges(bi, res, nres, FIRST_MIB, find_bitmap_home, &place);
	if (!place.at)
		panic("pmm: no room below 4 GiB for the %lu KiB page bitmap", place.need >> 10);

	bitalloc_init(&pages, phys_to_virt(place.at), top / PAGE_SIZE);
	memmap_free_ranges(bi, res, nres, FIRST_MIB, add_free, NULL);
	bitalloc_mark_used(&pages, place.at / PAGE_SIZE, place.need / PAGE_SIZE);
	managed = pages.nfree;
}

uint64_t pmm_alloc_pages(size_t n, uint64_t align)
{
	KASSERT(align >= PAGE_SIZE && !(align & (align - 1)));
	uint64_t flags = spin_lock_irqsave(&lock);
	int64_t pfn = bitalloc_alloc(&pages, n, align / PAGE_SIZE);
	spin_unlock_irqrestore(&lock, flags);
	return pfn < 0 ? 0 : (uint64_t)pfn * PAGE_SIZE;
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
	if (phys & (PAGE_SIZE - 1))
		panic("pmm_free_pages: unaligned address %lx", phys);
	uint64_t flags = spin_lock_irqsave(&lock);
	if (!n || bitalloc_free(&pages, phys / PAGE_SIZE, n))
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

int pmm_page_is_free(uint64_t phys) { return bitalloc_is_free(&pages, phys / PAGE_SIZE); }

uint64_t pmm_free_count(void) { return pages.nfree; }
uint64_t pmm_total_count(void) { return managed; }
uint64_t pmm_max_phys(void) { return top; }
