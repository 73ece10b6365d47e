/*
 * Kernel heap. Blocks up to 1 KiB come from slabs: single pages holding one
 * size class, with a header and an in-use bitmap (so double frees are caught).
 * Larger blocks get whole pages, mapped into the KHEAP window one page at a
 * time: no physically contiguous memory is needed, so even 1 GiB succeeds on
 * a fragmented machine. A hash table records each large block's size. A
 * guarded block (kmalloc_guarded) also reserves the page below it and
 * leaves it unmapped.
 *
 * In front of the slabs, each CPU keeps a few freed blocks of the smallest
 * classes (struct percpu's blocks), touched with its interrupts off and no
 * lock; they move to and from the slabs BLOCK_BATCH at a time under the
 * lock. A cached block stays in use in its slab and is marked in the slab's
 * `cached` bits, so a double free is still caught on any CPU. Before
 * kmalloc fails, every CPU gives its cached blocks back (a cross-call).
 */
#include "heap.h"

#include "bitalloc.h"
#include "kstring.h"
#include "panic.h"
#include "percpu.h"
#include "smp.h"
#include "pmm.h"
#include "spinlock.h"
#include "vm.h"
#include "x86.h"

#define SLAB_MAGIC 0x51ab51abu
#define SLAB_HDR 128
#define SLAB_MAX 1024
#define NCLASS 7 /* 16, 32, ..., 1024 */
#define JUNK 0x6b
#define LARGE_BUCKETS 4096
#define BLOCK_BATCH (PERCPU_BLOCKS / 2)

struct slab {
	uint32_t magic;
	uint16_t cls;
	uint16_t nfree;
	struct slab *prev, *next; /* partial list of its class */
	uint64_t used[4];         /* one bit per object */
	uint64_t cached[4];       /* in a CPU's cache, and still used (atomic) */
};

_Static_assert(sizeof(struct slab) <= SLAB_HDR, "the slab header fits its space");

struct large {
	uintptr_t va;
	size_t size;   /* requested */
	size_t npages; /* mapped, from va up */
	size_t guard;  /* unmapped pages reserved below va: 0 or 1 */
	struct large *next;
};

static struct slab *partial[NCLASS];
static struct large *large_hash[LARGE_BUCKETS];
static struct bitalloc kheap_va;
static struct heap_stats stats;
/* Everything above; large blocks take pmm's lock inside it. */
static struct spinlock lock = SPINLOCK_INIT("heap", LOCK_RANK_HEAP);
static bool caches_on; /* heap_init ran: GS reaches this CPU's struct percpu */

static size_t class_size(unsigned cls) { return (size_t)16 << cls; }
static unsigned class_objects(unsigned cls) { return (unsigned)((PAGE_SIZE - SLAB_HDR) / class_size(cls)); }

static unsigned class_of(size_t size)
{
	unsigned cls = 0;
	while (class_size(cls) < size)
		cls++;
	return cls;
}

void heap_init(void)
{
	/* Twice RAM in pages is enough address space for any mix of live blocks. */
	uint64_t units = pmm_total_count() * 2;
	if (units > KHEAP_MAX / PAGE_SIZE)
		units = KHEAP_MAX / PAGE_SIZE;
	uint64_t bytes = bitalloc_words(units) * 8;
	uint64_t pa = pmm_alloc_pages((bytes + PAGE_SIZE - 1) / PAGE_SIZE, PAGE_SIZE);
	if (!pa)
		panic("heap_init: no memory for the %lu KiB address-space bitmap", bytes >> 10);
	bitalloc_init(&kheap_va, phys_to_virt(pa), units);
	bitalloc_mark_free(&kheap_va, 0, units);
	caches_on = true;
}

static void list_remove(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

static void list_push(struct slab *s)
{
	s->prev = NULL;
	s->next = partial[s->cls];
	if (s->next)
		s->next->prev = s;
	partial[s->cls] = s;
}

static struct slab *slab_new(unsigned cls)
{
	uint64_t pa = pmm_alloc_pages(1, PAGE_SIZE);
	if (!pa)
		return NULL;
	struct slab *s = phys_to_virt(pa);
	memset(s, 0, SLAB_HDR);
	s->magic = SLAB_MAGIC;
	s->cls = (uint16_t)cls;
	s->nfree = (uint16_t)class_objects(cls);
	list_push(s);
	stats.slab_pages++;
	return s;
}

static void *slab_alloc(size_t size)
{
	unsigned cls = class_of(size);
	struct slab *s = partial[cls] ? partial[cls] : slab_new(cls);

	if (!s)
		return NULL;
	for (unsigned w = 0; w < 4; w++) {
		if (s->used[w] == ~0ull)
			continue;
		unsigned i = w * 64 + (unsigned)__builtin_ctzll(~s->used[w]);
		KASSERT(i < class_objects(cls));
		s->used[w] |= 1ull << (i % 64);
		if (--s->nfree == 0)
			list_remove(s);
		stats.live_bytes += class_size(cls);
		return (char *)s + SLAB_HDR + i * class_size(cls);
	}
	panic("slab_alloc: slab %p of class %u full but on the partial list", (void *)s, cls);
}

static void slab_free(struct slab *s, void *p)
{
	size_t off = (size_t)((char *)p - (char *)s) - SLAB_HDR, sz = class_size(s->cls);
	unsigned i = (unsigned)(off / sz);

	if ((char *)p < (char *)s + SLAB_HDR || off % sz || i >= class_objects(s->cls))
		panic("kfree: %p is not a block start", p);
	if (!(s->used[i / 64] >> (i % 64) & 1))
		panic("kfree: double free of %p", p);
	s->used[i / 64] &= ~(1ull << (i % 64));
	memset(p, JUNK, sz);
	stats.live_bytes -= sz;
	if (s->nfree++ == 0)
		list_push(s);
	if (s->nfree == class_objects(s->cls)) {
		list_remove(s);
		s->magic = 0;
		stats.slab_pages--;
		pmm_free_pages(virt_to_phys(s), 1);
	}
}

static struct large **large_slot(uintptr_t va)
{
	struct large **l = &large_hash[(va / PAGE_SIZE) % LARGE_BUCKETS];
	while (*l && (*l)->va != va)
		l = &(*l)->next;
	return l;
}

/* Unmap the first n pages of a large block's range, then free them: only
 * after the unmap's TLB shootdown, so that no CPU can still reach a page
 * through the block's addresses once it is reused. Until then each page
 * holds the next one's physical address (0 ends the list), written
 * through the direct map. */
static void large_release(uintptr_t va, size_t n)
{
	uint64_t first = 0;
	for (size_t i = n; i-- > 0;) {
		uint64_t pa;
		if (vm_lookup(vm_kernel(), va + i * PAGE_SIZE, &pa, NULL) == 0) {
			*(uint64_t *)phys_to_virt(pa) = first;
			first = pa;
		}
	}
	if (n)
		vm_unmap(vm_kernel(), va, n * PAGE_SIZE);
	while (first) {
		uint64_t next = *(uint64_t *)phys_to_virt(first);
		pmm_free_pages(first, 1);
		first = next;
	}
}

static void *large_alloc(size_t size, size_t guard)
{
	size_t n = size / PAGE_SIZE + (size % PAGE_SIZE != 0);
	struct large *rec = slab_alloc(sizeof *rec);
	int64_t unit = rec ? bitalloc_alloc(&kheap_va, n + guard, 1) : -1;
	uintptr_t va = KHEAP_BASE + ((uintptr_t)unit + guard) * PAGE_SIZE;
	size_t i;

	for (i = 0; unit >= 0 && i < n; i++) {
		uint64_t pa = pmm_alloc_pages(1, PAGE_SIZE);
		if (!pa || vm_map(vm_kernel(), va + i * PAGE_SIZE, pa, PAGE_SIZE, VM_WRITE | VM_GLOBAL)) {
			if (pa)
				pmm_free_pages(pa, 1);
			break;
		}
	}
	if (unit < 0 || i < n) {
		if (unit >= 0) {
			large_release(va, i);
			bitalloc_free(&kheap_va, (uint64_t)unit, n + guard);
		}
		if (rec)
			slab_free((struct slab *)((uintptr_t)rec & ~(PAGE_SIZE - 1)), rec);
		return NULL;
	}
	*rec = (struct large){va, size, n, guard, NULL};
	*large_slot(va) = rec;
	stats.large_pages += n;
	stats.live_bytes += n * PAGE_SIZE;
	return (void *)va;
}

static void large_free(void *p)
{
	struct large **slot = large_slot((uintptr_t)p), *rec = *slot;

	if (!rec)
		panic("kfree: %p is not a live heap block (double free?)", p);
	*slot = rec->next;
	large_release(rec->va, rec->npages);
	bitalloc_free(&kheap_va, (rec->va - KHEAP_BASE) / PAGE_SIZE - rec->guard,
		      rec->npages + rec->guard);
	stats.large_pages -= rec->npages;
	stats.live_bytes -= rec->npages * PAGE_SIZE;
	slab_free((struct slab *)((uintptr_t)rec & ~(PAGE_SIZE - 1)), rec);
}

static struct slab *slab_of(const void *p) { return (struct slab *)((uintptr_t)p & ~(PAGE_SIZE - 1)); }

/* Mark block i of s as cached or not; returns whether it was. */
static bool set_cached(struct slab *s, unsigned i, bool on)
{
	uint64_t bit = 1ull << (i % 64), old;

	if (on)
		old = __atomic_fetch_or(&s->cached[i / 64], bit, __ATOMIC_RELAXED);
	else
		old = __atomic_fetch_and(&s->cached[i / 64], ~bit, __ATOMIC_RELAXED);
	return old & bit;
}

static unsigned block_index(const struct slab *s, const void *p)
{
	return (unsigned)(((uintptr_t)p - (uintptr_t)s - SLAB_HDR) / class_size(s->cls));
}

/* A cached block back to its slab; lock held. */
static void uncache(void *p)
{
	struct slab *s = slab_of(p);

	set_cached(s, block_index(s, p), false);
	stats.live_bytes += class_size(s->cls); /* slab_free takes it off */
	slab_free(s, p);
}

/* One block of class cls from this CPU's cache, refilled from the slabs
 * when empty; NULL if they have none. */
static void *cache_alloc(unsigned cls)
{
	uint64_t flags = irq_save();
	struct percpu *c = this_cpu();
	void *p = NULL;

	if (!c->nblocks[cls]) {
		/* Locks and pmm may run a cross-call that empties c: each step
		 * leaves it whole, and the count is read again after. */
		spin_lock(&lock);
		while (c->nblocks[cls] < BLOCK_BATCH) {
			void *q = slab_alloc(class_size(cls));
			if (!q)
				break;
			set_cached(slab_of(q), block_index(slab_of(q), q), true);
			stats.live_bytes -= class_size(cls);
			c->blocks[cls][c->nblocks[cls]++] = q;
		}
		spin_unlock(&lock);
	}
	if (c->nblocks[cls]) {
		p = c->blocks[cls][--c->nblocks[cls]];
		set_cached(slab_of(p), block_index(slab_of(p), p), false);
		c->heap_allocs++;
		c->heap_bytes += (int64_t)class_size(cls);
	}
	irq_restore(flags);
	return p;
}

/* Keep a freed block of s in this CPU's cache, giving a batch back to the
 * slabs when full. Panics on a double free, as slab_free. */
static void cache_free(struct slab *s, void *p)
{
	size_t off = (size_t)((char *)p - (char *)s) - SLAB_HDR, sz = class_size(s->cls);
	unsigned i = (unsigned)(off / sz), cls = s->cls;

	if ((char *)p < (char *)s + SLAB_HDR || off % sz || i >= class_objects(cls))
		panic("kfree: %p is not a block start", p);
	/* Its used bit changes only with this block, so no lock is needed to read it. */
	if (!(__atomic_load_n(&s->used[i / 64], __ATOMIC_RELAXED) >> (i % 64) & 1) || set_cached(s, i, true))
		panic("kfree: double free of %p: already freed", p);
	memset(p, JUNK, sz);
	uint64_t flags = irq_save();
	struct percpu *c = this_cpu();
	if (c->nblocks[cls] == PERCPU_BLOCKS) {
		spin_lock(&lock);
		while (c->nblocks[cls] > PERCPU_BLOCKS - BLOCK_BATCH)
			uncache(c->blocks[cls][--c->nblocks[cls]]);
		spin_unlock(&lock);
	}
	c->blocks[cls][c->nblocks[cls]++] = p;
	c->heap_allocs--;
	c->heap_bytes -= (int64_t)sz;
	irq_restore(flags);
}

struct block_handover {
	unsigned n;
	void *block[PERCPU_BLOCK_CLASSES * PERCPU_BLOCKS];
};

/* A cross-call: this CPU's cached blocks, emptied into the caller's hands
 * (no lock: cache code polls calls only where its cache is whole). */
static void cache_hand_over(void *arg)
{
	struct block_handover *h = arg;
	struct percpu *c = this_cpu();

	h->n = 0;
	for (unsigned cls = 0; cls < PERCPU_BLOCK_CLASSES; cls++)
		while (c->nblocks[cls])
			h->block[h->n++] = c->blocks[cls][--c->nblocks[cls]];
}

void heap_drain_caches(void)
{
	struct block_handover h;

	for (unsigned cpu = 0; cpu < smp_cpus(); cpu++) {
		smp_call(cpu, cache_hand_over, &h);
		uint64_t flags = spin_lock_irqsave(&lock);
		for (unsigned i = 0; i < h.n; i++)
			uncache(h.block[i]);
		spin_unlock_irqrestore(&lock, flags);
	}
}

static bool is_large(const void *p)
{
	return (uintptr_t)p >= KHEAP_BASE && (uintptr_t)p < KHEAP_BASE + KHEAP_MAX;
}

static void *locked_alloc(size_t size)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	void *p = size <= SLAB_MAX ? slab_alloc(size) : large_alloc(size, 0);
	if (p)
		stats.live_allocs++;
	spin_unlock_irqrestore(&lock, flags);
	return p;
}

void *kmalloc(size_t size)
{
	if (size == 0 || size > KHEAP_MAX)
		return NULL;
	void *p = NULL;
	if (caches_on && size <= class_size(PERCPU_BLOCK_CLASSES - 1))
		p = cache_alloc(class_of(size));
	if (!p)
		p = locked_alloc(size);
	if (!p && caches_on) { /* blocks cached on other CPUs may be what is missing */
		heap_drain_caches();
		p = locked_alloc(size);
	}
	return p;
}

void *kmalloc_guarded(size_t size)
{
	if (size == 0 || size > KHEAP_MAX)
		return NULL;
	uint64_t flags = spin_lock_irqsave(&lock);
	void *p = large_alloc(size, 1);
	if (p)
		stats.live_allocs++;
	spin_unlock_irqrestore(&lock, flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct slab *s = slab_of(p);
	if (!is_large(p) && ((uintptr_t)p < DIRECT_MAP || (uintptr_t)p >= DIRECT_MAP + DIRECT_MAP_MAX ||
			     s->magic != SLAB_MAGIC))
		panic("kfree: %p was not allocated by kmalloc (or was already freed)", p);
	if (caches_on && !is_large(p) && s->cls < PERCPU_BLOCK_CLASSES) {
		cache_free(s, p);
		return;
	}
	uint64_t flags = spin_lock_irqsave(&lock);
	if (is_large(p))
		large_free(p);
	else
		slab_free(s, p);
	stats.live_allocs--;
	spin_unlock_irqrestore(&lock, flags);
}

size_t ksize(const void *p)
{
	if (is_large(p)) {
		struct large *rec = *large_slot((uintptr_t)p);
		KASSERT(rec);
		return rec->npages * PAGE_SIZE;
	}
	const struct slab *s = (const struct slab *)((uintptr_t)p & ~(PAGE_SIZE - 1));
	KASSERT(s->magic == SLAB_MAGIC);
	return class_size(s->cls);
}

void *krealloc(void *p, size_t size)
{
	if (!p)
		return kmalloc(size);
	if (!size) {
		kfree(p);
		return NULL;
	}
	size_t have = ksize(p);
	if (size <= have && (is_large(p) ? size > SLAB_MAX : true))
		return p;
	void *q = kmalloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, have < size ? have : size);
	kfree(p);
	return q;
}

void heap_stats(struct heap_stats *out)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	*out = stats;
	for (unsigned cpu = 0; cpu < smp_cpus(); cpu++) { /* blocks its cache took or gave */
		out->live_allocs += (uint64_t)__atomic_load_n(&percpu_of(cpu)->heap_allocs, __ATOMIC_RELAXED);
		out->live_bytes += (uint64_t)__atomic_load_n(&percpu_of(cpu)->heap_bytes, __ATOMIC_RELAXED);
	}
	spin_unlock_irqrestore(&lock, flags);
}
