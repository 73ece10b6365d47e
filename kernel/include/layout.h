/*
 * The address-space layout, in one place. The kernel includes it through
 * vm.h and elf.h; the host unit tests include it through elf.h.
 *
 *   0xffffffff80000000  KERNEL_VMA    the kernel image (-mcmodel=kernel: the top 2 GiB)
 *   0xffffe00000000000  MMIO_BASE     device registers, uncached (1 GiB)
 *   0xffffc00000000000  KHEAP_BASE    large kernel heap blocks (512 GiB)
 *   0xffff800000000000  DIRECT_MAP    all physical RAM (up to 512 GiB)
 *   ------------------ the non-canonical hole ------------------
 *   0x0000800000000000  USER_TOP      the end of the user half
 *   0x00007ffffffff000  TASK_SIZE     = USER_STACK_TOP: the last page stays unmapped
 *   0x00007fffff7ff000                the stack's lowest page (8 MiB, a guard below;
 *                                     down to 1 GiB if RLIMIT_STACK is raised)
 *   0x00007ffebffff000  USER_MMAP_TOP mmap areas grow down from here
 *   0x00007f0000000000  ELF_USER_LIMIT no program segment reaches above this
 *   0x0000555555554000  ELF_PIE_BASE  a static-pie program's load address
 *   0x0000000000400000                a non-PIE program's usual link address
 *   0x0000000000010000  MMAP_MIN_ADDR no mapping below this
 */
#ifndef BF_LAYOUT_H
#define BF_LAYOUT_H

/* Constants the assembler reads too (boot.S): no C suffix there. */
#ifdef __ASSEMBLER__
#define LAYOUT_UL(x) x
#else
#define LAYOUT_UL(x) x##ul
#endif

/* The kernel half. */
#define KERNEL_VMA LAYOUT_UL(0xffffffff80000000)
#define DIRECT_MAP LAYOUT_UL(0xffff800000000000)
#define DIRECT_MAP_MAX (LAYOUT_UL(512) << 30)
#define KHEAP_BASE LAYOUT_UL(0xffffc00000000000)
#define KHEAP_MAX (LAYOUT_UL(512) << 30)
#define MMIO_BASE LAYOUT_UL(0xffffe00000000000)
#define MMIO_MAX (LAYOUT_UL(1) << 30)

/* The user half. */
#define USER_TOP LAYOUT_UL(0x0000800000000000)
/* The end of what a process may map. Linux keeps the last page below 2^47
 * unmapped: a SYSCALL at its end would return to a non-canonical RIP, and
 * SYSRET or IRETQ to one faults in ring 0 on real CPUs. USER_TOP - 4 KiB
 * (Linux's TASK_SIZE_MAX). */
#define TASK_SIZE LAYOUT_UL(0x00007ffffffff000)
/* The program's stack: 8 MiB below the top at exec, with an unmapped guard
 * page below it, grown to RLIMIT_STACK's soft limit when a setrlimit raises
 * it (vma_grow_stack); at most USER_STACK_MAX, which keeps it well above
 * the mappings (USER_MMAP_TOP). */
#define USER_STACK_TOP TASK_SIZE
#define USER_STACK_SIZE (LAYOUT_UL(8) << 20)
#define USER_STACK_MAX (LAYOUT_UL(1) << 30)
/* mmap picks the highest free range below this: 5 GiB under the top of the
 * stack, which leaves a wide gap above the mappings. */
#define USER_MMAP_TOP (USER_STACK_TOP - (LAYOUT_UL(5) << 30))
#ifndef __ASSEMBLER__
_Static_assert(USER_STACK_MAX + 4096 <= USER_STACK_TOP - USER_MMAP_TOP,
	       "the largest stack and its guard page stay above the mappings");
#endif
/* Linux's default vm.mmap_min_addr: no mapping below it. */
#define MMAP_MIN_ADDR LAYOUT_UL(0x10000)
/* Where a static-pie (ET_DYN) program is placed, as Linux does for x86-64. */
#define ELF_PIE_BASE LAYOUT_UL(0x0000555555554000)
/* Highest user address (exclusive) a program segment may reach: the user
 * half, less room for the stack and the mmap area above the program. */
#define ELF_USER_LIMIT LAYOUT_UL(0x00007f0000000000)

#endif
