/* Virtual memory: the kernel's address-space layout and the page-table API. */
#ifndef BF_VM_H
#define BF_VM_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "layout.h" /* the address-space layout */

static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)(pa + DIRECT_MAP); }
/* Valid for direct-map and kernel-image addresses only. */
uint64_t virt_to_phys(const void *va);

/* Mapping flags. Without VM_EXEC a page is no-execute (when the CPU has NX). */
#define VM_WRITE 0x01u
#define VM_EXEC 0x02u
#define VM_USER 0x04u
#define VM_NOCACHE 0x08u
#define VM_HUGE 0x10u /* 2 MiB pages: va, pa and len must be 2 MiB aligned */
#define VM_GLOBAL 0x20u
#define VM_READ 0x40u /* for memory areas only: x86 pages are always readable */
/* No access at all (PROT_NONE): the page keeps its frame but is marked not
 * present, so every access faults; vm_protect can give access back. */
#define VM_NOACCESS 0x80u
/* For memory areas only: mapped with MAP_NORESERVE, so never counted by the
 * overcommit check (page tables ignore it). */
#define VM_NORESERVE 0x100u
/* For memory areas only: a shared mapping that may never become writable
 * (of a descriptor not open for writing, of a write-sealed memfd):
 * mprotect asking for PROT_WRITE is EACCES, as Linux's VM_MAYWRITE unset. */
#define VM_NOMAYWRITE 0x200u

struct vm_space {
	uint64_t pml4; /* physical address of the top-level table */
	/* CPUs that have loaded it (bit n: CPU n), which a TLB shootdown
	 * must reach: set by vm_switch, cleared when they switch away. */
	volatile uint64_t cpus;
};

/* Build the kernel's final page tables (direct map of RAM, the image with
 * per-section permissions, no identity map) and switch to them. */
void vm_init(const struct bootinfo *bi);
struct vm_space *vm_kernel(void);

/*
 * Map [va, va+len) to [pa, pa+len). va, pa and len must be page aligned (2 MiB
 * with VM_HUGE) and va canonical. Returns 0; -EINVAL for bad arguments;
 * -EEXIST if any page in the range is already mapped; -ENOMEM if a page table
 * cannot be allocated. On failure nothing is left mapped.
 */
int vm_map(struct vm_space *as, uintptr_t va, uint64_t pa, size_t len, unsigned flags);
/* Remove whatever is mapped in [va, va+len) and free page tables left empty.
 * Returns 0, or -EINVAL for misaligned arguments or a range that would split
 * a 2 MiB page (then nothing changes). Frames are not freed: their owner does. */
int vm_unmap(struct vm_space *as, uintptr_t va, size_t len);
/* Change the flags of every page in [va, va+len). Returns 0, -EINVAL, or
 * -ENOENT if any page in the range is unmapped (then nothing changes). */
int vm_protect(struct vm_space *as, uintptr_t va, size_t len, unsigned flags);
/* Translate va. Returns 0 and fills *pa and *flags (either may be NULL), or
 * -ENOENT if va is not mapped. */
int vm_lookup(struct vm_space *as, uintptr_t va, uint64_t *pa, unsigned *flags);
/* The first mapped address in [va, end) of the user half, or end if none;
 * unmapped tables are skipped whole, so a sparse range costs little. */
uintptr_t vm_next_mapped(struct vm_space *as, uintptr_t va, uintptr_t end);
/* A new address space: an empty user half, the kernel half shared with every
 * other space. Returns NULL when memory is exhausted. */
struct vm_space *vm_space_create(void);
/* Free everything in the user half (the frames it maps, and its page tables)
 * and the space itself. The space must not be the current one. */
void vm_space_destroy(struct vm_space *as);
/* Make `as` this CPU's address space (loads CR3). vm_unmap and vm_protect
 * invalidate the TLBs of every CPU that has it loaded. */
void vm_switch(struct vm_space *as);

/* Map a device's registers uncached; returns their virtual address or NULL. */
void *vm_map_mmio(uint64_t pa, size_t len);
/* Map memory that a device holds but that behaves as RAM (a shared-memory
 * BAR): write-back, read-only, in 2 MiB pages when pa and len allow; pa and
 * len page-aligned. Returns the virtual address or NULL. */
void *vm_map_device_memory(uint64_t pa, size_t len);
/* Pages currently used by page tables (all address spaces), for leak tests. */
uint64_t vm_table_pages(void);
/* True if the CPU enforces no-execute (EFER.NXE is set). */
int vm_has_nx(void);

#endif
