/* Kernel heap tests: the original kmalloc bug, sizes up to 1 GiB, a long
 * random workload with verified contents, leak accounting, and guarded
 * blocks (kernel stacks). */
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "pmm.h"
#include "task.h"
#include "vm.h"

struct snapshot {
	uint64_t free_pages, table_pages, live_allocs;
};

static struct snapshot snap(void)
{
	struct heap_stats h;
	heap_drain_caches(); /* blocks cached per CPU keep their slabs' pages */
	heap_stats(&h);
	return (struct snapshot){pmm_free_count(), vm_table_pages(), h.live_allocs};
}

#define KEXPECT_NO_LEAK(before)                                              \
	do {                                                                 \
		struct snapshot after_ = snap();                             \
		KEXPECT_EQ(after_.free_pages, (before).free_pages);          \
		KEXPECT_EQ(after_.table_pages, (before).table_pages);        \
		KEXPECT_EQ(after_.live_allocs, (before).live_allocs);        \
	} while (0)

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The first attempt's heap triple-faulted on its first allocation. */
KTEST(heap_regression_kmalloc_1024_right_after_boot)
{
	struct snapshot before = snap();
	uint8_t *p = kmalloc(1024);

	KEXPECT(p != NULL);
	if (!p)
		return;
	KEXPECT_EQ((uintptr_t)p % 16, 0);
	memset(p, 0xa5, 1024);
	KEXPECT_EQ(p[0], 0xa5);
	KEXPECT_EQ(p[1023], 0xa5);
	KEXPECT(ksize(p) >= 1024);
	kfree(p);
	KEXPECT_NO_LEAK(before);
}

KTEST(heap_every_power_of_two_from_1_byte_to_1_gib)
{
	struct snapshot before = snap();

	for (size_t size = 1; size <= (1ul << 30); size <<= 1) {
		/* Neighbours too, except at 1 GiB where one block is slow enough. */
		size_t sizes[3] = {size, size + 1, size > 2 ? size - 1 : size};
		for (int k = 0; k < (size < (1ul << 30) ? 3 : 1); k++) {
			uint8_t *p = kmalloc(sizes[k]);
			KEXPECT(p != NULL);
			if (!p)
				continue;
			p[sizes[k] / 2] = 3;
			p[sizes[k] - 1] = 2;
			p[0] = 1;
			KEXPECT(ksize(p) >= sizes[k]);
			KEXPECT_EQ(p[0], 1);
			if (sizes[k] > 1)
				KEXPECT_EQ(p[sizes[k] - 1], 2);
			kfree(p);
		}
	}
	KEXPECT_NO_LEAK(before);
}

KTEST(heap_zero_and_impossible_sizes_return_null)
{
	struct snapshot before = snap();

	KEXPECT(kmalloc(0) == NULL);
	KEXPECT(kmalloc(~(size_t)0) == NULL);
	/* More than all free RAM: the heap maps what it can, then must undo it. */
	KEXPECT(kmalloc((pmm_free_count() + 16384) * PAGE_SIZE) == NULL);
	KEXPECT_NO_LEAK(before);
}

KTEST(heap_krealloc_keeps_contents_across_size_classes)
{
	struct snapshot before = snap();
	size_t sizes[] = {1, 17, 1000, 1025, 5000, 100000, 3000, 40, 1 << 20, 8};
	uint8_t *p = NULL;
	size_t have = 0;

	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint8_t *q = krealloc(p, sizes[i]);
		KEXPECT(q != NULL);
		if (!q)
			break;
		size_t keep = have < sizes[i] ? have : sizes[i];
		for (size_t j = 0; j < keep; j++)
			if (q[j] != (uint8_t)(j * 7)) {
				KEXPECT_EQ(q[j], (uint8_t)(j * 7));
				break;
			}
		for (size_t j = 0; j < sizes[i]; j++)
			q[j] = (uint8_t)(j * 7);
		p = q;
		have = sizes[i];
	}
	KEXPECT(krealloc(p, 0) == NULL);
	KEXPECT_NO_LEAK(before);
}

#define SLOTS 512
struct block {
	uint64_t *p;
	size_t size;
	uint64_t seed;
};

static size_t random_size(void)
{
	uint64_t r = rng() % 1000;
	if (r < 900)
		return 1 + rng() % 1024;            /* slabs */
	if (r < 990)
		return 1025 + rng() % (64 << 10);   /* a few pages */
	return (64 << 10) + rng() % (4 << 20);  /* large: up to 4 MiB */
}

static void fill(struct block *b)
{
	size_t words = b->size / 8;
	for (size_t i = 0; i < words; i++)
		b->p[i] = b->seed ^ (i * 0x9e3779b97f4a7c15ull);
	for (size_t i = words * 8; i < b->size; i++)
		((uint8_t *)b->p)[i] = (uint8_t)(b->seed + i);
}

static int verify(const struct block *b)
{
	size_t words = b->size / 8;
	for (size_t i = 0; i < words; i++)
		if (b->p[i] != (b->seed ^ (i * 0x9e3779b97f4a7c15ull)))
			return 0;
	for (size_t i = words * 8; i < b->size; i++)
		if (((uint8_t *)b->p)[i] != (uint8_t)(b->seed + i))
			return 0;
	return 1;
}

/* 100,000+ random kmalloc/kfree calls moving at least 1 GiB, every block
 * filled and checked before it is freed, and nothing leaked at the end. */
KTEST(heap_stress_100k_random_ops_1gib_verified)
{
	static struct block slot[SLOTS];
	struct snapshot before = snap();
	uint64_t ops = 0, total = 0, corrupt = 0, failed = 0;

	rng_state = 0x5eed1234abcdull;
	memset(slot, 0, sizeof slot);
	while (ops < 100000 || total < (1ull << 30)) {
		struct block *b = &slot[rng() % SLOTS];
		if (b->p) {
			corrupt += !verify(b);
			kfree(b->p);
			b->p = NULL;
		} else {
			b->size = random_size();
			b->seed = rng();
			b->p = kmalloc(b->size);
			if (!b->p) {
				failed++;
				continue;
			}
			total += b->size;
			fill(b);
		}
		ops++;
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slot[i].p) {
			corrupt += !verify(&slot[i]);
			kfree(slot[i].p);
			ops++;
		}
	}
	KEXPECT_EQ(corrupt, 0);
	KEXPECT_EQ(failed, 0);
	KEXPECT(ops >= 100000);
	KEXPECT(total >= (1ull << 30));
	KEXPECT_NO_LEAK(before);
}

/* A guarded block: its pages are mapped, the page below is not (an
 * overflow off a stack's bottom faults), and freeing gives everything back. */
KTEST(heap_guarded_block_has_an_unmapped_page_below)
{
	struct snapshot before = snap();
	char *a = kmalloc_guarded(4 * PAGE_SIZE), *b = kmalloc_guarded(4 * PAGE_SIZE);

	KEXPECT(a && b);
	if (!a || !b)
		return;
	KEXPECT_EQ((uintptr_t)a % PAGE_SIZE, 0);
	for (char *p = a; p < a + 4 * PAGE_SIZE; p += PAGE_SIZE)
		KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)p, NULL, NULL), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)a - PAGE_SIZE, NULL, NULL), -ENOENT);
	KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)b - PAGE_SIZE, NULL, NULL), -ENOENT);
	memset(a, 0x5a, 4 * PAGE_SIZE);
	kfree(a);
	kfree(b);
	KEXPECT_NO_LEAK(before);
}

/* Every thread's 64 KiB kernel stack has such a guard page. */
KTEST(heap_thread_kernel_stack_has_a_guard_page)
{
	struct snapshot before = snap();
	struct thread *t = thread_alloc(NULL);

	KEXPECT(t != NULL);
	if (!t)
		return;
	uintptr_t base = (uintptr_t)t->kstack;
	KEXPECT_EQ(t->kstack_top - base, 16 * PAGE_SIZE);
	KEXPECT_EQ(vm_lookup(vm_kernel(), base, NULL, NULL), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), t->kstack_top - PAGE_SIZE, NULL, NULL), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), base - PAGE_SIZE, NULL, NULL), -ENOENT);
	thread_free(t);
	/* Kept for the next thread, stack and all, until the cache is emptied. */
	struct thread *u = thread_alloc(NULL);
	KEXPECT(u == t && u->kstack == (void *)base && u->state == THREAD_SLEEPING && !u->tid);
	if (u)
		thread_free(u);
	thread_cache_release();
	KEXPECT_NO_LEAK(before);
}
