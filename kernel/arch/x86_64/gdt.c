/* Global descriptor table and task state segment, with IST stacks for faults
 * that must not trust the current stack (#DF, NMI, #MC). */
#include <stdint.h>

#include "kstring.h"
#include "percpu.h"
#include "segments.h"
#include "trap.h"

static uint8_t boot_ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void tss_descriptor(uint64_t *slot, uint64_t base, uint32_t limit)
{
	slot[0] = (limit & 0xffffull) | ((base & 0xffffffull) << 16) | (0x89ull << 40) |
		  ((uint64_t)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	slot[1] = base >> 32;
}

void gdt_init_cpu(struct percpu *cpu, const uint64_t ist_top[3])
{
	uint64_t *gdt = cpu->gdt;
	struct tss *tss = &cpu->tss;

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull; /* SEL_KCODE: kernel code, 64-bit */
	gdt[2] = 0x00cf92000000ffffull; /* SEL_KDATA */
	gdt[3] = 0x00cffa000000ffffull; /* SEL_UCODE32: user code, 32-bit (unused) */
	gdt[4] = 0x00cff2000000ffffull; /* SEL_UDATA */
	gdt[5] = 0x00affa000000ffffull; /* SEL_UCODE: user code, 64-bit */

	memset(tss, 0, sizeof *tss);
	for (int i = 0; i < 3; i++)
		tss->ist[i] = ist_top[i];
	tss->iomap_base = sizeof *tss; /* no I/O bitmap: ring 3 gets no ports */
	tss_descriptor(&gdt[6], (uint64_t)(uintptr_t)tss, sizeof *tss - 1);
	_Static_assert(PERCPU_GDT_ENTRIES == GDT_ENTRIES, "the per-CPU GDT's size");

	struct desc_ptr p = {sizeof cpu->gdt - 1, (uint64_t)(uintptr_t)gdt};
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS)
			 : "rax", "memory");
}

void gdt_init(void)
{
	uint64_t ist[3];

	for (int i = 0; i < 3; i++)
		ist[i] = (uint64_t)(uintptr_t)&boot_ist_stacks[i][IST_STACK_SIZE];
	gdt_init_cpu(percpu_of(0), ist);
	percpu_install(percpu_of(0));
}

void gdt_set_kernel_stack(uint64_t rsp0) { this_cpu()->tss.rsp[0] = rsp0; }
