/* Page-table API tests: map, unmap and protect in 4 KiB and 2 MiB pages, the
 * user/supervisor bit, NX, and the permissions of the kernel's own image. */
#include "heap.h"
#include "kerrno.h"
#include "ksyms.h"
#include "ktest.h"
#include "pmm.h"
#include "trap.h"
#include "vm.h"

#define TEST_VA 0x0000100000000000ul /* user half: empty in the kernel's map */

extern char __rodata_start[], __data_start[], __text_start[];
extern char kernel_stack_guard[];

/* Access va (read, write or call) and return the vector it faulted with, or -1. */
static int try_access(uintptr_t va, char how, uint64_t *err, uint64_t *cr2)
{
	struct trap_catcher c;

	if (trap_catch(&c) == 0) {
		if (how == 'r')
			(void)*(volatile uint64_t *)va;
		else if (how == 'w')
			*(volatile uint64_t *)va = 42;
		else
			((void (*)(void))va)();
		trap_uncatch(&c);
		return -1;
	}
	*err = c.tf.error;
	*cr2 = c.cr2;
	return (int)c.tf.vector;
}

KTEST(vm_map_unmap_4k_and_tables_freed)
{
	uint64_t tables = vm_table_pages(), pa = pmm_alloc_zeroed(), got, err, cr2;
	unsigned flags;

	KEXPECT(pa != 0);
	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA, pa, PAGE_SIZE, VM_WRITE), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), TEST_VA + 123, &got, &flags), 0);
	KEXPECT_EQ(got, pa + 123);
	KEXPECT(flags & VM_WRITE);
	KEXPECT(!(flags & VM_USER));
	*(volatile uint64_t *)TEST_VA = 0x1122334455667788ull;
	KEXPECT_EQ(*(volatile uint64_t *)phys_to_virt(pa), 0x1122334455667788ull);
	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA, pa, PAGE_SIZE, 0), -EEXIST);

	KEXPECT_EQ(vm_unmap(vm_kernel(), TEST_VA, PAGE_SIZE), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), TEST_VA, NULL, NULL), -ENOENT);
	KEXPECT_EQ(try_access(TEST_VA, 'r', &err, &cr2), T_PF);
	KEXPECT_EQ(cr2, TEST_VA);
	KEXPECT_EQ(err & 1, 0); /* not present */
	KEXPECT_EQ(vm_table_pages(), tables);
	pmm_free_pages(pa, 1);
}

KTEST(vm_map_2m_huge_pages)
{
	uint64_t tables = vm_table_pages(), got;
	uint64_t pa = pmm_alloc_pages(512, HUGE_PAGE_SIZE);
	unsigned flags;

	KEXPECT(pa != 0 && pa % HUGE_PAGE_SIZE == 0);
	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA, pa, HUGE_PAGE_SIZE, VM_WRITE | VM_HUGE), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), TEST_VA + 0x12345, &got, &flags), 0);
	KEXPECT_EQ(got, pa + 0x12345);
	KEXPECT(flags & VM_HUGE);
	*(volatile uint32_t *)(TEST_VA + 0x1ffffc) = 0xcafe;
	KEXPECT_EQ(*(volatile uint32_t *)phys_to_virt(pa + 0x1ffffc), 0xcafe);
	/* A 4 KiB operation inside a 2 MiB page would split it: refused. */
	KEXPECT_EQ(vm_unmap(vm_kernel(), TEST_VA + PAGE_SIZE, PAGE_SIZE), -EINVAL);
	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA + PAGE_SIZE, pa, PAGE_SIZE, 0), -EEXIST);
	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA + PAGE_SIZE, pa, HUGE_PAGE_SIZE, VM_HUGE), -EINVAL);
	KEXPECT_EQ(vm_unmap(vm_kernel(), TEST_VA, HUGE_PAGE_SIZE), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), TEST_VA, NULL, NULL), -ENOENT);
	KEXPECT_EQ(vm_table_pages(), tables);
	pmm_free_pages(pa, 512);
}

KTEST(vm_protect_read_only_then_writable)
{
	uint64_t pa = pmm_alloc_zeroed(), err, cr2;

	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA, pa, PAGE_SIZE, VM_WRITE), 0);
	KEXPECT_EQ(vm_protect(vm_kernel(), TEST_VA, PAGE_SIZE, 0), 0);
	KEXPECT_EQ(try_access(TEST_VA, 'w', &err, &cr2), T_PF);
	KEXPECT_EQ(err & 3, 3); /* protection violation on a write */
	KEXPECT_EQ(try_access(TEST_VA, 'r', &err, &cr2), -1);
	KEXPECT_EQ(vm_protect(vm_kernel(), TEST_VA, PAGE_SIZE, VM_WRITE), 0);
	KEXPECT_EQ(try_access(TEST_VA, 'w', &err, &cr2), -1);
	KEXPECT_EQ(*(volatile uint64_t *)phys_to_virt(pa), 42);
	KEXPECT_EQ(vm_protect(vm_kernel(), TEST_VA + PAGE_SIZE, PAGE_SIZE, 0), -ENOENT);
	KEXPECT_EQ(vm_protect(vm_kernel(), TEST_VA, 2 * PAGE_SIZE, 0), -ENOENT);
	KEXPECT_EQ(vm_unmap(vm_kernel(), TEST_VA, PAGE_SIZE), 0);
	pmm_free_pages(pa, 1);
}

KTEST(vm_nx_blocks_execution_of_data)
{
	uint64_t pa = pmm_alloc_zeroed(), err, cr2;

	KEXPECT(vm_has_nx());
	*(volatile uint8_t *)phys_to_virt(pa) = 0xc3; /* ret */
	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA, pa, PAGE_SIZE, VM_EXEC), 0);
	KEXPECT_EQ(try_access(TEST_VA, 'x', &err, &cr2), -1);
	KEXPECT_EQ(vm_protect(vm_kernel(), TEST_VA, PAGE_SIZE, 0), 0);
	KEXPECT_EQ(try_access(TEST_VA, 'x', &err, &cr2), T_PF);
	KEXPECT(err & 16); /* instruction fetch */
	KEXPECT_EQ(cr2, TEST_VA);
	KEXPECT_EQ(vm_unmap(vm_kernel(), TEST_VA, PAGE_SIZE), 0);
	pmm_free_pages(pa, 1);
}

KTEST(vm_user_bit_only_where_asked)
{
	uint64_t pa = pmm_alloc_zeroed();
	unsigned flags = 0;

	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA, pa, PAGE_SIZE, VM_USER | VM_WRITE), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), TEST_VA, NULL, &flags), 0);
	KEXPECT(flags & VM_USER);
	KEXPECT_EQ(vm_unmap(vm_kernel(), TEST_VA, PAGE_SIZE), 0);
	pmm_free_pages(pa, 1);
	/* Kernel mappings are supervisor-only. */
	KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)__text_start, NULL, &flags), 0);
	KEXPECT(!(flags & VM_USER));
	KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)phys_to_virt(1ul << 20), NULL, &flags), 0);
	KEXPECT(!(flags & VM_USER));
}

KTEST(vm_kernel_image_permissions)
{
	uint64_t err, cr2;
	unsigned f;

	KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)__text_start, NULL, &f), 0);
	KEXPECT((f & VM_EXEC) && !(f & VM_WRITE));
	KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)__rodata_start, NULL, &f), 0);
	KEXPECT(!(f & VM_EXEC) && !(f & VM_WRITE));
	KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)__data_start, NULL, &f), 0);
	KEXPECT(!(f & VM_EXEC) && (f & VM_WRITE));
	/* CR0.WP: even ring 0 cannot write read-only pages. */
	KEXPECT_EQ(try_access((uintptr_t)__rodata_start, 'w', &err, &cr2), T_PF);
	KEXPECT_EQ(try_access((uintptr_t)__text_start, 'w', &err, &cr2), T_PF);
	/* No identity map survives boot: low addresses belong to the application. */
	KEXPECT_EQ(try_access(0x100000, 'r', &err, &cr2), T_PF);
	/* The page below the kernel stack is a guard. */
	KEXPECT_EQ(vm_lookup(vm_kernel(), (uintptr_t)kernel_stack_guard, NULL, NULL), -ENOENT);
}

KTEST(vm_rejects_bad_arguments)
{
	uint64_t pa = pmm_alloc_zeroed();

	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA + 1, pa, PAGE_SIZE, 0), -EINVAL);
	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA, pa + 1, PAGE_SIZE, 0), -EINVAL);
	KEXPECT_EQ(vm_map(vm_kernel(), TEST_VA, pa, 0, 0), -EINVAL);
	KEXPECT_EQ(vm_map(vm_kernel(), 0x0000800000000000ul, pa, PAGE_SIZE, 0), -EINVAL);
	KEXPECT_EQ(vm_map(vm_kernel(), USER_TOP - PAGE_SIZE, pa, 2 * PAGE_SIZE, 0), -EINVAL);
	KEXPECT_EQ(vm_unmap(vm_kernel(), TEST_VA, 123), -EINVAL);
	KEXPECT_EQ(vm_lookup(vm_kernel(), 0x0000900000000000ul, NULL, NULL), -ENOENT);
	pmm_free_pages(pa, 1);
}

/* A process's address space: its own user half, the shared kernel half, and
 * everything it held given back when it is destroyed. */
KTEST(vm_space_create_switch_destroy_frees_everything)
{
	heap_drain_caches(); /* the exact page count below, as at a program's exit */
	uint64_t free_before = pmm_free_count(), tables_before = vm_table_pages();
	struct vm_space *as = vm_space_create();
	uint64_t pa = 0;

	KEXPECT(as != NULL);
	if (!as)
		return;
	for (int i = 0; i < 40; i++) { /* spread over several page tables */
		pa = pmm_alloc_zeroed();
		KEXPECT_EQ(vm_map(as, 0x400000 + (uintptr_t)i * 0x80000, pa, PAGE_SIZE, VM_USER | VM_WRITE), 0);
	}
	uint64_t huge = pmm_alloc_pages(512, HUGE_PAGE_SIZE);
	KEXPECT_EQ(vm_map(as, 0x7f0000000000ul, huge, HUGE_PAGE_SIZE, VM_USER | VM_HUGE), 0);
	/* The new space sees the kernel, and not the kernel space's user half. */
	KEXPECT_EQ(vm_lookup(as, (uintptr_t)__text_start, NULL, NULL), 0);
	KEXPECT_EQ(vm_lookup(vm_kernel(), 0x400000, NULL, NULL), -ENOENT);
	vm_switch(as);
	*(volatile uint64_t *)(0x400000 + 39 * 0x80000) = 77; /* runs on the new tables */
	vm_switch(vm_kernel());
	KEXPECT_EQ(*(volatile uint64_t *)phys_to_virt(pa), 77);
	vm_space_destroy(as);
	heap_drain_caches();
	KEXPECT_EQ(pmm_free_count(), free_before);
	KEXPECT_EQ(vm_table_pages(), tables_before);
}
