/* Where smp.c places the application processors' boot code and its page
 * tables: free low memory (the page allocator leaves the first MiB alone),
 * page aligned, below 1 MiB as a STARTUP IPI's vector requires. */
#ifndef BF_SMP_BOOT_H
#define BF_SMP_BOOT_H

#define TRAMPOLINE_PHYS 0x8000  /* the code: STARTUP vector 0x08 */
#define TRAMPOLINE_PML4 0x9000  /* then PML4, PDPT and PD: identity map of 2 MiB */
#define TRAMPOLINE_END 0xc000

#endif
