/* SMP: the other CPUs are online with their own GDT, TSS, GS and timer;
 * cross-calls, spinlocks and TLB shootdowns work between them. With one
 * CPU (the default boot) the tests that need two check what they can and
 * pass; tests/boot/smp_two_cpus.sh runs them with --cpus 2. */
#include "apic.h"
#include "heap.h"
#include "ktest.h"
#include "percpu.h"
#include "pmm.h"
#include "smp.h"
#include "spinlock.h"
#include "timer.h"
#include "vm.h"
#include "x86.h"

#define WAIT_NS (20 * NS_PER_SEC)

KTEST(smp_boot_cpu_is_cpu_0)
{
	KEXPECT(smp_cpus() >= 1);
	KEXPECT_EQ(smp_cpu_id(), 0);
	KEXPECT(this_cpu() == percpu_of(0));
	KEXPECT_EQ(this_cpu()->apic_id, lapic_id());
	KEXPECT_EQ(rdmsr(MSR_GS_BASE), (uint64_t)(uintptr_t)percpu_of(0));
}

struct where {
	unsigned id;
	uint32_t apic;
	uint64_t gs, tr, gdt, idt;
	bool irq_off;
};

static void record_where(void *arg)
{
	struct where *w = arg;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) g, i;
	uint16_t tr;

	__asm__ volatile("sgdt %0; sidt %1; str %2" : "=m"(g), "=m"(i), "=r"(tr));
	w->id = smp_cpu_id();
	w->apic = lapic_id();
	w->gs = rdmsr(MSR_GS_BASE);
	w->tr = tr;
	w->gdt = g.base;
	w->idt = i.base;
	w->irq_off = !(read_rflags() & (1u << 9));
}

KTEST(smp_cross_call_runs_on_each_cpu_with_its_own_tables)
{
	struct where here, there;

	record_where(&here);
	for (unsigned c = 0; c < smp_cpus(); c++) {
		there = (struct where){0};
		KEXPECT_EQ(smp_call(c, record_where, &there), 0);
		KEXPECT_EQ(there.id, c);
		KEXPECT_EQ(there.apic, percpu_of(c)->apic_id);
		KEXPECT_EQ(there.gs, (uint64_t)(uintptr_t)percpu_of(c));
		KEXPECT_EQ(there.gdt, (uint64_t)(uintptr_t)percpu_of(c)->gdt);
		KEXPECT_EQ(there.tr, 0x30);
		KEXPECT_EQ(there.idt, here.idt);
		KEXPECT(there.irq_off);
	}
	KEXPECT_EQ(smp_call(smp_cpus(), record_where, &there), -22);
}

KTEST(smp_other_cpus_run_their_timers)
{
	uint64_t before[MAX_CPUS];

	for (unsigned c = 0; c < smp_cpus(); c++)
		before[c] = percpu_of(c)->ticks;
	/* 30 ticks at 100 Hz: each CPU is a host thread of QEMU's, and a
	 * host with as many cores can leave one without a core for tens of
	 * milliseconds */
	time_delay_ns(300 * 1000 * 1000);
	for (unsigned c = 1; c < smp_cpus(); c++) {
		KEXPECT(percpu_of(c)->online);
		KEXPECT(percpu_of(c)->ticks > before[c] + 2);
	}
}

#define COUNT_ROUNDS 20000
static struct spinlock count_lock = SPINLOCK_INIT("test_count", LOCK_RANK_TEST);
static volatile uint64_t counter;
static volatile unsigned started;

/* A read, a pause, a write: without the lock, the CPUs lose updates. */
static void count_locked(void *arg)
{
	uint64_t rounds = (uint64_t)(uintptr_t)arg;

	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < smp_cpus())
		cpu_relax();
	for (uint64_t i = 0; i < rounds; i++) {
		uint64_t flags = i & 1 ? spin_lock_irqsave(&count_lock) : 0;
		if (!(i & 1))
			spin_lock(&count_lock);
		uint64_t v = counter;
		cpu_relax();
		counter = v + 1;
		if (i & 1)
			spin_unlock_irqrestore(&count_lock, flags);
		else
			spin_unlock(&count_lock);
	}
}

KTEST(smp_spinlock_counts_exactly_across_cpus)
{
	void *rounds = (void *)(uintptr_t)COUNT_ROUNDS;

	counter = 0;
	started = 0;
	for (unsigned c = 1; c < smp_cpus(); c++)
		KEXPECT_EQ(smp_work_start(c, count_locked, rounds), 0);
	count_locked(rounds);
	for (unsigned c = 1; c < smp_cpus(); c++)
		KEXPECT(smp_work_wait(c, WAIT_NS));
	KEXPECT_EQ(counter, (uint64_t)COUNT_ROUNDS * smp_cpus());
	KEXPECT(!spin_held(&count_lock));
	KEXPECT_EQ(this_cpu()->lock_depth, 0);
}

#define CALL_ROUNDS 300
static volatile uint64_t calls_on[MAX_CPUS];

static void bump(void *arg) { calls_on[smp_cpu_id()]++; }

/* Both CPUs cross-call each other at once: each must answer while waiting. */
static void call_cpu0(void *arg)
{
	for (int i = 0; i < CALL_ROUNDS; i++)
		smp_call(0, bump, NULL);
}

KTEST(smp_cross_calls_both_ways_at_once_all_arrive)
{
	if (smp_cpus() < 2)
		return;
	calls_on[0] = calls_on[1] = 0;
	KEXPECT_EQ(smp_work_start(1, call_cpu0, NULL), 0);
	for (int i = 0; i < CALL_ROUNDS; i++)
		smp_call(1, bump, NULL);
	KEXPECT(smp_work_wait(1, WAIT_NS));
	KEXPECT_EQ(calls_on[0], CALL_ROUNDS);
	KEXPECT_EQ(calls_on[1], CALL_ROUNDS);
}

KTEST(smp_work_start_refuses_cpu_0_and_missing_cpus)
{
	KEXPECT_EQ(smp_work_start(0, bump, NULL), -22);
	KEXPECT_EQ(smp_work_start(smp_cpus(), bump, NULL), -22);
	KEXPECT(smp_work_wait(0, 1000));
}

/* CPU 1 reads a user address through its TLB; CPU 0 remaps it to another
 * frame. Without the shootdown CPU 1 would still read the old frame. */
#define SHOOT_VA 0x40000000ul
static struct vm_space *shoot_as;
static volatile int shoot_step;
static volatile uint64_t shoot_seen[2];

static void shoot_reader(void *arg)
{
	vm_switch(shoot_as);
	shoot_seen[0] = *(volatile uint64_t *)SHOOT_VA;
	shoot_step = 1;
	while (shoot_step != 2)
		cpu_relax();
	shoot_seen[1] = *(volatile uint64_t *)SHOOT_VA;
	vm_switch(vm_kernel());
}

KTEST(smp_tlb_shootdown_reaches_cpus_that_loaded_the_space)
{
	if (smp_cpus() < 2)
		return;
	uint64_t a = pmm_alloc_zeroed(), b = pmm_alloc_zeroed(), sent = smp_shootdowns();
	shoot_as = vm_space_create();
	KEXPECT(a && b && shoot_as);
	*(uint64_t *)phys_to_virt(a) = 0xaaaa;
	*(uint64_t *)phys_to_virt(b) = 0xbbbb;
	KEXPECT_EQ(vm_map(shoot_as, SHOOT_VA, a, PAGE_SIZE, VM_WRITE), 0);
	shoot_step = 0;
	KEXPECT_EQ(smp_work_start(1, shoot_reader, NULL), 0);
	uint64_t deadline = time_ns() + WAIT_NS;
	while (shoot_step != 1 && time_ns() < deadline)
		cpu_relax();
	KEXPECT_EQ(shoot_as->cpus, 2); /* CPU 1 only: CPU 0 never loaded it */
	KEXPECT_EQ(vm_unmap(shoot_as, SHOOT_VA, PAGE_SIZE), 0);
	KEXPECT_EQ(vm_map(shoot_as, SHOOT_VA, b, PAGE_SIZE, VM_WRITE), 0);
	shoot_step = 2;
	KEXPECT(smp_work_wait(1, WAIT_NS));
	KEXPECT_EQ(shoot_seen[0], 0xaaaa);
	KEXPECT_EQ(shoot_seen[1], 0xbbbb);
	KEXPECT(smp_shootdowns() > sent);
	KEXPECT_EQ(shoot_as->cpus, 0);
	vm_space_destroy(shoot_as); /* frees b with the space */
	pmm_free_pages(a, 1);
}

KTEST(smp_no_shootdown_for_a_space_no_other_cpu_loaded)
{
	uint64_t sent = smp_shootdowns(), pa = pmm_alloc_zeroed();
	struct vm_space *as = vm_space_create();

	KEXPECT(pa && as);
	KEXPECT_EQ(vm_map(as, SHOOT_VA, pa, PAGE_SIZE, VM_WRITE), 0);
	KEXPECT_EQ(vm_protect(as, SHOOT_VA, PAGE_SIZE, 0), 0);
	KEXPECT_EQ(vm_unmap(as, SHOOT_VA, PAGE_SIZE), 0);
	KEXPECT_EQ(smp_shootdowns(), sent);
	vm_space_destroy(as);
	pmm_free_pages(pa, 1);
}

/* Both CPUs allocate and free at once: the heap and page allocator stay
 * consistent and nothing leaks. */
static void churn(void *arg)
{
	for (int i = 0; i < 300; i++) {
		void *p = kmalloc(16 + (i % 7) * 200);
		void *q = kmalloc(5000); /* a large block: pages and KHEAP mappings */
		if (p)
			*(volatile char *)p = 1;
		kfree(q);
		kfree(p);
	}
}

KTEST(smp_heap_and_pages_under_concurrent_use)
{
	struct heap_stats before, after;
	uint64_t free_pages = pmm_free_count();

	heap_stats(&before);
	for (unsigned c = 1; c < smp_cpus(); c++)
		KEXPECT_EQ(smp_work_start(c, churn, NULL), 0);
	churn(NULL);
	for (unsigned c = 1; c < smp_cpus(); c++)
		KEXPECT(smp_work_wait(c, WAIT_NS * 3));
	heap_stats(&after);
	KEXPECT_EQ(after.live_allocs, before.live_allocs);
	KEXPECT(pmm_free_count() + 8 >= free_pages); /* slabs may stay cached */
}

/* Pages in another CPU's cache are still free memory: CPU 1 frees pages
 * into its cache, then CPU 0 allocates single pages until none is left.
 * It must get exactly as many as were free, CPU 1's among them, and every
 * one back afterwards. Each taken page holds the address of the previous. */
static void fill_my_cache(void *arg)
{
	uint64_t pa[PERCPU_PAGES / 2];

	for (unsigned i = 0; i < PERCPU_PAGES / 2; i++)
		pa[i] = pmm_alloc_pages(1, PAGE_SIZE);
	for (unsigned i = 0; i < PERCPU_PAGES / 2; i++)
		if (pa[i])
			pmm_free_pages(pa[i], 1);
	*(unsigned *)arg = this_cpu()->npages;
}

KTEST(smp_pages_in_another_cpus_cache_are_allocated_before_failing)
{
	unsigned cached = 0;

	if (smp_cpus() >= 2) {
		KEXPECT_EQ(smp_work_start(1, fill_my_cache, &cached), 0);
		KEXPECT(smp_work_wait(1, WAIT_NS));
		KEXPECT(cached >= PERCPU_PAGES / 2);
	}
	heap_drain_caches(); /* the slabs it frees would be counted below */
	uint64_t free = pmm_free_count(), n = 0, last = 0, pa;
	while ((pa = pmm_alloc_pages(1, PAGE_SIZE)) != 0) {
		*(uint64_t *)phys_to_virt(pa) = last;
		last = pa;
		n++;
	}
	KEXPECT_EQ(n, free);
	KEXPECT_EQ(pmm_free_count(), 0);
	KEXPECT_EQ(percpu_of(smp_cpus() - 1)->npages, 0);
	while (last) {
		pa = last;
		last = *(uint64_t *)phys_to_virt(pa);
		pmm_free_pages(pa, 1);
	}
	KEXPECT_EQ(pmm_free_count(), free);
}

/* A page freed on a CPU is the next that CPU gets (its cache is LIFO and
 * takes no lock), and stays free in the counts while cached. */
KTEST(smp_freed_page_comes_back_first_on_its_cpu)
{
	uint64_t free = pmm_free_count(), a = pmm_alloc_pages(1, PAGE_SIZE);

	KEXPECT(a != 0);
	KEXPECT_EQ(pmm_free_count(), free - 1);
	pmm_free_pages(a, 1);
	KEXPECT(pmm_page_is_free(a));
	KEXPECT_EQ(pmm_free_count(), free);
	uint64_t flags = irq_save();
	KEXPECT(this_cpu()->npages > 0 && this_cpu()->pages[this_cpu()->npages - 1] == a / PAGE_SIZE);
	irq_restore(flags);
	KEXPECT_EQ(pmm_alloc_pages(1, PAGE_SIZE), a);
	pmm_free_pages(a, 1);
}

/* Heap blocks cached on another CPU are found before kmalloc fails: with
 * every page taken, CPU 1 frees four 32-byte blocks into its cache; CPU 0
 * then allocates 32-byte blocks until none is left, and gets those four. */
#define HEAP_SEEN_MAX 4096
static void *cpu1_blocks[4];
static void *heap_seen[HEAP_SEEN_MAX];

static void take_blocks(void *arg)
{
	for (int i = 0; i < 4; i++)
		cpu1_blocks[i] = kmalloc(32);
}

static void free_blocks(void *arg)
{
	for (int i = 0; i < 4; i++)
		kfree(cpu1_blocks[i]);
	*(unsigned *)arg = this_cpu()->nblocks[1];
}

KTEST(smp_heap_blocks_in_another_cpus_cache_are_allocated_before_failing)
{
	unsigned cached = 0, n = 0, found = 0;
	uint64_t last = 0, pa;

	if (smp_cpus() < 2)
		return;
	KEXPECT_EQ(smp_work_start(1, take_blocks, NULL), 0);
	KEXPECT(smp_work_wait(1, WAIT_NS));
	while ((pa = pmm_alloc_pages(1, PAGE_SIZE)) != 0) {
		*(uint64_t *)phys_to_virt(pa) = last;
		last = pa;
	}
	KEXPECT_EQ(smp_work_start(1, free_blocks, &cached), 0);
	KEXPECT(smp_work_wait(1, WAIT_NS));
	KEXPECT(cached >= 4);
	while (n < HEAP_SEEN_MAX && (heap_seen[n] = kmalloc(32)) != NULL)
		n++;
	KEXPECT(n < HEAP_SEEN_MAX);
	for (unsigned i = 0; i < n; i++)
		for (int j = 0; j < 4; j++)
			found += heap_seen[i] == cpu1_blocks[j];
	KEXPECT_EQ(found, 4);
	while (n)
		kfree(heap_seen[--n]);
	while (last) {
		pa = last;
		last = *(uint64_t *)phys_to_virt(pa);
		pmm_free_pages(pa, 1);
	}
}
