/* Memory system calls: brk and mprotect. */
#include "kerrno.h"
#include "pmm.h"
#include "proc.h"
#include "syscall.h"

#define BRK_MAX (1ul << 40) /* how far the heap may grow past its start */
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

static uint64_t page_up(uint64_t x) { return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* Grow the break into zeroed pages, or shrink it and free them. A request
 * that cannot be met leaves the break where it was (Linux semantics). */
int64_t sys_brk(uint64_t addr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t start, *brk = proc_brk(&start);
	struct vm_space *as = proc_space();

	if (addr < start || addr > start + BRK_MAX)
		return (int64_t)*brk;
	uint64_t have = page_up(*brk), want = page_up(addr);
	for (uint64_t va = have; va < want; va += PAGE_SIZE) {
		uint64_t pa = pmm_alloc_zeroed();
		if (!pa || vm_map(as, va, pa, PAGE_SIZE, VM_USER | VM_WRITE)) {
			if (pa)
				pmm_free_pages(pa, 1);
			for (uint64_t undo = have; undo < va; undo += PAGE_SIZE) {
				vm_lookup(as, undo, &pa, NULL);
				vm_unmap(as, undo, PAGE_SIZE);
				pmm_free_pages(pa, 1);
			}
			return (int64_t)*brk;
		}
	}
	for (uint64_t va = want; va < have; va += PAGE_SIZE) {
		uint64_t pa;
		if (vm_lookup(as, va, &pa, NULL) == 0) {
			vm_unmap(as, va, PAGE_SIZE);
			pmm_free_pages(pa, 1);
		}
	}
	*brk = addr;
	return (int64_t)addr;
}

int64_t sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot, uint64_t a3, uint64_t a4,
		     uint64_t a5)
{
	if ((addr & (PAGE_SIZE - 1)) || (prot & ~7ul))
		return -EINVAL;
	len = page_up(len);
	if (!len)
		return 0;
	if (addr + len < addr || addr + len > USER_TOP)
		return -ENOMEM;
	unsigned flags = VM_USER | (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
	/* Pages with no access at all are not expressible yet: keep them readable. */
	int err = vm_protect(proc_space(), addr, len, flags);
	return err == -ENOENT ? -ENOMEM : err;
}
