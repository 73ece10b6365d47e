/* Four-level x86-64 page tables: the kernel's own map and the map/unmap/protect API. */
#include "vm.h"

#include <stdbool.h>

#include "cpu.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "memmap.h"
#include "panic.h"
#include "percpu.h"
#include "pmm.h"
#include "smp.h"
#include "x86.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_NONE (1ull << 9) /* software bit: a leaf kept without access (P clear) */
#define PTE_ADDR 0x000ffffffffff000ull
#define GIB (1ull << 30)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __ksyms_start[], __image_phys_end[];
extern char kernel_stack_guard[];

static struct vm_space kernel_space;
static uint64_t nx_mask;       /* PTE_NX if EFER.NXE is on, else 0 */
static uint64_t table_pages;   /* page-table pages in use */
static uint64_t mmio_next = MMIO_BASE;

struct vm_space *vm_kernel(void) { return &kernel_space; }
int vm_has_nx(void) { return nx_mask != 0; }
uint64_t vm_table_pages(void) { return table_pages; }

uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;

	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	KASSERT(v >= DIRECT_MAP && v < DIRECT_MAP + DIRECT_MAP_MAX);
	return v - DIRECT_MAP;
}

static uint64_t *table_of(uint64_t entry) { return phys_to_virt(entry & PTE_ADDR); }
static unsigned index_of(uintptr_t va, int level) { return (va >> (12 + 9 * (level - 1))) & 511; }
static uint64_t level_size(int level) { return 1ull << (12 + 9 * (level - 1)); }
static bool canonical(uintptr_t va) { return va < USER_TOP || va >= 0xffff800000000000ull; }

/* A leaf entry: present, or kept with its frame but not present. */
static bool present(uint64_t e) { return e & (PTE_P | PTE_NONE); }

static uint64_t leaf_bits(unsigned flags)
{
	uint64_t e = flags & VM_NOACCESS ? PTE_NONE : PTE_P;

	if (flags & VM_WRITE)
		e |= PTE_W;
	if (flags & VM_USER)
		e |= PTE_U;
	if (flags & VM_NOCACHE)
		e |= PTE_PCD | PTE_PWT;
	if (flags & VM_GLOBAL)
		e |= PTE_G;
	if (!(flags & VM_EXEC))
		e |= nx_mask;
	if (flags & VM_HUGE)
		e |= PTE_PS;
	return e;
}

static unsigned flags_of(uint64_t e)
{
	unsigned f = e & PTE_NONE ? VM_NOACCESS : 0;

	if (e & PTE_W)
		f |= VM_WRITE;
	if (e & PTE_U)
		f |= VM_USER;
	if (e & PTE_PCD)
		f |= VM_NOCACHE;
	if (e & PTE_G)
		f |= VM_GLOBAL;
	if (!(e & PTE_NX))
		f |= VM_EXEC;
	return f;
}

/* Allocate a zeroed page table; returns its physical address or 0. */
static uint64_t table_alloc(void)
{
	uint64_t pa = pmm_alloc_zeroed();

	if (pa)
		table_pages++;
	return pa;
}

static void table_free(uint64_t pa)
{
	table_pages--;
	pmm_free_pages(pa, 1);
}

/*
 * The entry for va at `level` (1 = PT, 2 = PD, 3 = PDPT), creating missing
 * tables when `create`. Returns NULL if a table is missing (and !create), if
 * allocation fails, or if a larger page already maps va (*blocked set).
 */
static uint64_t *walk(struct vm_space *as, uintptr_t va, int level, bool create, bool *blocked)
{
	uint64_t *t = phys_to_virt(as->pml4);

	*blocked = false;
	for (int l = 4; l > level; l--) {
		uint64_t *e = &t[index_of(va, l)];
		if (!present(*e)) {
			if (!create)
				return NULL;
			uint64_t pa = table_alloc();
			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W | (va < USER_TOP ? PTE_U : 0);
		} else if (*e & PTE_PS) {
			*blocked = true;
			return NULL;
		}
		t = table_of(*e);
	}
	return &t[index_of(va, level)];
}

/* The leaf entry mapping va and its level, or NULL if unmapped. */
static uint64_t *leaf(struct vm_space *as, uintptr_t va, int *level)
{
	uint64_t *t = phys_to_virt(as->pml4);

	for (int l = 4; l >= 1; l--) {
		uint64_t *e = &t[index_of(va, l)];
		if (!present(*e))
			return NULL;
		if (l == 1 || (*e & PTE_PS)) {
			*level = l;
			return e;
		}
		t = table_of(*e);
	}
	return NULL;
}

static int check_args(uintptr_t va, uint64_t pa, size_t len, unsigned flags)
{
	uint64_t align = (flags & VM_HUGE) ? HUGE_PAGE_SIZE : PAGE_SIZE;

	if (!len || (va | pa | len) & (align - 1) || va + len < va)
		return -EINVAL;
	if (!canonical(va) || !canonical(va + len - 1) || (va < USER_TOP) != (va + len - 1 < USER_TOP))
		return -EINVAL;
	return 0;
}

int vm_map(struct vm_space *as, uintptr_t va, uint64_t pa, size_t len, unsigned flags)
{
	int err = check_args(va, pa, len, flags), level = (flags & VM_HUGE) ? 2 : 1, l;
	uint64_t step = level_size(level);

	if (err)
		return err;
	for (uintptr_t a = va; a < va + len; a += PAGE_SIZE)
		if (leaf(as, a, &l))
			return -EEXIST;
	for (uint64_t off = 0; off < len; off += step) {
		bool blocked;
		uint64_t *e = walk(as, va + off, level, true, &blocked);
		if (!e || blocked || present(*e)) { /* a smaller mapping under a huge slot */
			if (off)
				vm_unmap(as, va, off);
			return blocked || (e && present(*e)) ? -EEXIST : -ENOMEM;
		}
		*e = ((pa + off) & PTE_ADDR) | leaf_bits(flags);
	}
	return 0;
}

static bool table_empty(const uint64_t *t)
{
	for (int i = 0; i < 512; i++)
		if (t[i])
			return false;
	return true;
}

/* Page tables an unmap emptied and unlinked, freed only once no CPU can
 * still walk them: after the TLB shootdown of the range being unmapped. */
#define UNMAP_FREE_MAX 32
struct unmap_batch {
	struct vm_space *as;
	uintptr_t va;
	size_t len;
	unsigned n;
	uint64_t pa[UNMAP_FREE_MAX];
};

static void unmap_flush(struct unmap_batch *b)
{
	smp_tlb_shootdown(b->as, b->va, b->len);
	for (unsigned i = 0; i < b->n; i++)
		table_free(b->pa[i]);
	b->n = 0;
}

/* Clear leaves in [va, end) below table t (at `level`); unlink emptied tables
 * into b (a full b is flushed first). PDPTs of the kernel half are shared by
 * every address space: never freed. */
static void unmap_range(uint64_t *t, int level, uintptr_t va, uintptr_t end, struct unmap_batch *b)
{
	uint64_t size = level_size(level);

	while (va < end) {
		uint64_t *e = &t[index_of(va, level)];
		uintptr_t next = (va & ~(size - 1)) + size;
		if (next > end || next == 0)
			next = end;
		if (present(*e)) {
			if (level == 1 || (*e & PTE_PS)) {
				*e = 0;
				invlpg(va);
			} else {
				uint64_t *child = table_of(*e);
				unmap_range(child, level - 1, va, next, b);
				if ((level < 4 || va < USER_TOP) && table_empty(child)) {
					if (b->n == UNMAP_FREE_MAX)
						unmap_flush(b);
					b->pa[b->n++] = *e & PTE_ADDR;
					*e = 0;
				}
			}
		}
		va = next;
	}
}

/* Returns -EINVAL if [va, va+len) cuts through a large page. */
static int check_no_split(struct vm_space *as, uintptr_t va, size_t len)
{
	int level;

	for (uintptr_t a = va; a < va + len;) {
		uint64_t *e = leaf(as, a, &level);
		uint64_t size = e ? level_size(level) : PAGE_SIZE;
		if (e && level > 1 && ((a & (size - 1)) || a + size > va + len))
			return -EINVAL;
		a = (a & ~(size - 1)) + size;
	}
	return 0;
}

int vm_unmap(struct vm_space *as, uintptr_t va, size_t len)
{
	int err = check_args(va, 0, len, 0);

	if (!err)
		err = check_no_split(as, va, len);
	if (err)
		return err;
	struct unmap_batch b = {as, va, len, 0, {0}};
	unmap_range(phys_to_virt(as->pml4), 4, va, va + len, &b);
	unmap_flush(&b);
	return 0;
}

int vm_protect(struct vm_space *as, uintptr_t va, size_t len, unsigned flags)
{
	int level, err = check_args(va, 0, len, 0);

	if (!err)
		err = check_no_split(as, va, len);
	if (err)
		return err;
	for (uintptr_t a = va; a < va + len; a += PAGE_SIZE)
		if (!leaf(as, a, &level))
			return -ENOENT;
	for (uintptr_t a = va; a < va + len;) {
		uint64_t *e = leaf(as, a, &level);
		uint64_t keep = *e & (PTE_ADDR | PTE_PS);
		*e = keep | (leaf_bits(flags) & ~PTE_PS);
		invlpg(a);
		a += level_size(level);
	}
	smp_tlb_shootdown(as, va, len);
	return 0;
}

int vm_lookup(struct vm_space *as, uintptr_t va, uint64_t *pa, unsigned *flags)
{
	int level;
	uint64_t *e = canonical(va) ? leaf(as, va, &level) : NULL;

	if (!e)
		return -ENOENT;
	if (pa) {
		uint64_t mask = level_size(level) - 1;
		*pa = (*e & PTE_ADDR & ~mask) | (va & mask);
	}
	if (flags)
		*flags = flags_of(*e) | (level > 1 ? VM_HUGE : 0);
	return 0;
}

uintptr_t vm_next_mapped(struct vm_space *as, uintptr_t va, uintptr_t end)
{
	while (va < end) {
		uint64_t *t = phys_to_virt(as->pml4);
		int l = 4;
		for (; l >= 1; l--) {
			uint64_t e = t[index_of(va, l)];
			if (!present(e))
				break;
			if (l == 1 || (e & PTE_PS))
				return va;
			t = table_of(e);
		}
		uintptr_t next = (va & ~(level_size(l) - 1)) + level_size(l); /* past the hole */
		if (next <= va)
			break;
		va = next;
	}
	return end;
}

/* Map the page-aligned [pa, pa + len) with flags at the next free address
 * of the device window (aligned for VM_HUGE's pages). NULL when the window
 * is full or vm_map fails. */
static void *map_in_window(uint64_t pa, size_t len, unsigned flags)
{
	uint64_t align = (flags & VM_HUGE) ? HUGE_PAGE_SIZE : PAGE_SIZE;
	uintptr_t va = (mmio_next + align - 1) & ~(align - 1);

	if (!len || va + len < va || va + len > MMIO_BASE + MMIO_MAX ||
	    vm_map(&kernel_space, va, pa, len, flags))
		return NULL;
	mmio_next = va + len;
	return (void *)va;
}

void *vm_map_mmio(uint64_t pa, size_t len)
{
	uint64_t base = pa & ~(PAGE_SIZE - 1);
	uint64_t size = ((pa + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - base;
	char *va = map_in_window(base, size, VM_WRITE | VM_NOCACHE | VM_GLOBAL);

	return va ? va + (pa - base) : NULL;
}

void *vm_map_device_memory(uint64_t pa, size_t len)
{
	bool huge = !((pa | len) & (HUGE_PAGE_SIZE - 1));

	if ((pa | len) & (PAGE_SIZE - 1))
		return NULL;
	return map_in_window(pa, len, VM_GLOBAL | (huge ? VM_HUGE : 0));
}

struct vm_space *vm_space_create(void)
{
	struct vm_space *as = kmalloc(sizeof *as);

	if (!as)
		return NULL;
	as->cpus = 0;
	as->pml4 = table_alloc();
	if (!as->pml4) {
		kfree(as);
		return NULL;
	}
	uint64_t *dst = phys_to_virt(as->pml4), *src = phys_to_virt(kernel_space.pml4);
	memcpy(dst + 256, src + 256, 256 * sizeof(uint64_t));
	return as;
}

/* Free the frames mapped below table t (at `level`) and the tables themselves. */
static void free_tree(uint64_t *t, int level)
{
	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i];
		if (!present(e))
			continue;
		if (level == 1 || (e & PTE_PS))
			pmm_free_user_pages(e & PTE_ADDR & ~(level_size(level) - 1),
					    level_size(level) / PAGE_SIZE);
		else {
			free_tree(table_of(e), level - 1);
			table_free(e & PTE_ADDR);
		}
	}
}

void vm_space_destroy(struct vm_space *as)
{
	KASSERT(as != &kernel_space && (read_cr3() & PTE_ADDR) != as->pml4 && !as->cpus);
	uint64_t *pml4 = phys_to_virt(as->pml4);
	for (int i = 0; i < 256; i++) {
		if (!(pml4[i] & PTE_P))
			continue;
		free_tree(table_of(pml4[i]), 3);
		table_free(pml4[i] & PTE_ADDR);
	}
	table_free(as->pml4);
	kfree(as);
}

_Static_assert(MAX_CPUS <= 64, "struct vm_space's cpus is a 64-bit mask");

void vm_switch(struct vm_space *as)
{
	struct percpu *cpu = this_cpu();
	uint64_t bit = 1ull << cpu->id;

	if (cpu->as != as) {
		__atomic_fetch_or(&as->cpus, bit, __ATOMIC_SEQ_CST);
		if (cpu->as)
			__atomic_fetch_and(&cpu->as->cpus, ~bit, __ATOMIC_SEQ_CST);
		cpu->as = as;
	}
	write_cr3(as->pml4);
}

/* Map all physical memory up to `top` at DIRECT_MAP, with 1 GiB pages when
 * the CPU has them (fewer tables, fewer TLB misses), else 2 MiB pages. */
static void map_direct(uint64_t top)
{
	bool gib = cpu_get()->pdpe1gb;
	uint64_t step = gib ? GIB : HUGE_PAGE_SIZE;

	for (uint64_t pa = 0; pa < top; pa += step) {
		bool blocked;
		uint64_t *e = walk(&kernel_space, DIRECT_MAP + pa, gib ? 3 : 2, true, &blocked);
		if (!e)
			panic("vm_init: out of memory for the direct map");
		*e = pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx_mask;
	}
}

static void map_image(char *start, char *end, unsigned flags)
{
	uintptr_t va = (uintptr_t)start;

	if (vm_map(&kernel_space, va, va - KERNEL_VMA, (uintptr_t)end - va, flags | VM_GLOBAL))
		panic("vm_init: cannot map the kernel image at %lx", (uint64_t)va);
}

void vm_init(const struct bootinfo *bi)
{
	static const uintptr_t shared[] = {DIRECT_MAP, KHEAP_BASE, MMIO_BASE, KERNEL_VMA};
	uint64_t top = memmap_top(bi);

	nx_mask = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	kernel_space.pml4 = table_alloc();
	if (!kernel_space.pml4)
		panic("vm_init: no page for the top-level table");
	/* Create the kernel-half PDPTs now: user address spaces copy these
	 * top-level entries once, so they must never change afterwards. */
	for (unsigned i = 0; i < sizeof shared / sizeof shared[0]; i++) {
		uint64_t *e = &((uint64_t *)phys_to_virt(kernel_space.pml4))[index_of(shared[i], 4)];
		uint64_t pa = table_alloc();
		if (!pa)
			panic("vm_init: no page for a kernel PDPT");
		*e = pa | PTE_P | PTE_W;
	}
	map_direct((top + GIB - 1) & ~(GIB - 1));
	map_image(__text_start, __text_end, VM_EXEC);
	map_image(__rodata_start, __rodata_end, 0);
	map_image(__data_start, kernel_stack_guard, VM_WRITE);
	map_image(kernel_stack_guard + PAGE_SIZE, __data_end, VM_WRITE);
	map_image(__ksyms_start, (char *)(uintptr_t)((uint64_t)(uintptr_t)__image_phys_end + KERNEL_VMA), 0);

	write_cr4(read_cr4() | CR4_PGE);
	vm_switch(&kernel_space);
}
