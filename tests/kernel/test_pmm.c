/* Physical memory tests: counters, alignment, reserved ranges, exhaustion. */
#include "acpi.h"
#include "kernel.h"
#include "kstring.h"
#include "ktest.h"
#include "pmm.h"
#include "vm.h"

extern char __image_phys_start[], __image_phys_end[];

KTEST(pmm_alloc_free_keeps_counts)
{
	uint64_t before = pmm_free_count();
	uint64_t a = pmm_alloc_pages(1, PAGE_SIZE), b = pmm_alloc_pages(37, PAGE_SIZE);

	KEXPECT(a && b);
	KEXPECT(!pmm_page_is_free(a) && !pmm_page_is_free(b + 36 * PAGE_SIZE));
	KEXPECT_EQ(pmm_free_count(), before - 38);
	pmm_free_pages(a, 1);
	pmm_free_pages(b, 37);
	KEXPECT_EQ(pmm_free_count(), before);
	KEXPECT(pmm_page_is_free(a));
}

/* A program's frames go back unwritten (a write there would make QEMU's TCG
 * drop the code it translated from them); kernel frames get junk. */
KTEST(pmm_user_pages_freed_unwritten_kernel_pages_junked)
{
	uint64_t before = pmm_free_count();
	uint64_t u = pmm_alloc_pages(3, PAGE_SIZE), k = pmm_alloc_pages(1, PAGE_SIZE);

	KEXPECT(u && k);
	memset(phys_to_virt(u), 0x5a, 3 * PAGE_SIZE);
	memset(phys_to_virt(k), 0x5a, PAGE_SIZE);
	pmm_free_user_pages(u, 3);
	pmm_free_pages(k, 1);
	KEXPECT_EQ(pmm_free_count(), before);
	KEXPECT(pmm_page_is_free(u) && pmm_page_is_free(u + 2 * PAGE_SIZE));
	const uint8_t *up = phys_to_virt(u), *kp = phys_to_virt(k);
	KEXPECT(up[0] == 0x5a && up[3 * PAGE_SIZE - 1] == 0x5a);
	KEXPECT(kp[0] != 0x5a && kp[PAGE_SIZE - 1] != 0x5a);
}

KTEST(pmm_aligned_contiguous_runs)
{
	uint64_t pa = pmm_alloc_pages(512, HUGE_PAGE_SIZE);

	KEXPECT(pa != 0);
	KEXPECT_EQ(pa % HUGE_PAGE_SIZE, 0);
	pmm_free_pages(pa, 512);
	KEXPECT_EQ(pmm_alloc_pages(pmm_free_count() + 1, PAGE_SIZE), 0);
}

KTEST(pmm_never_hands_out_reserved_memory)
{
	for (uint64_t pa = (uintptr_t)__image_phys_start; pa < (uintptr_t)__image_phys_end; pa += PAGE_SIZE)
		if (pmm_page_is_free(pa)) {
			KEXPECT(!pmm_page_is_free(pa));
			break;
		}
	for (uint64_t pa = 0; pa < (1ul << 20); pa += PAGE_SIZE)
		KEXPECT(!pmm_page_is_free(pa));
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		const struct boot_mem_range *r = &boot_info.mem[i];
		if (r->type == BOOT_MEM_USABLE)
			continue;
		for (uint64_t pa = r->base & ~(PAGE_SIZE - 1); pa < r->base + r->len && pa < pmm_max_phys();
		     pa += PAGE_SIZE)
			if (pmm_page_is_free(pa)) {
				KEXPECT(!pmm_page_is_free(pa));
				break;
			}
	}
	KEXPECT(!pmm_page_is_free(boot_info.info_phys));
	for (unsigned i = 0; i < boot_info.nmod; i++)
		KEXPECT(!pmm_page_is_free(boot_info.mod[i].start));
}

KTEST(boot_memory_map_sorted_and_usable)
{
	uint64_t usable = 0;

	KEXPECT(boot_info.nmem > 0);
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		if (i)
			KEXPECT(boot_info.mem[i - 1].base <= boot_info.mem[i].base);
		if (boot_info.mem[i].type == BOOT_MEM_USABLE)
			usable += boot_info.mem[i].len;
	}
	KEXPECT(usable >= pmm_total_count() * PAGE_SIZE);
	KEXPECT(pmm_free_count() <= pmm_total_count());
}

KTEST(acpi_finds_s5_for_poweroff)
{
	KEXPECT_EQ(acpi_init(), 0);
}
