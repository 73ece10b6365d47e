/* Locking memory: mlock, mlock2, munlock, mlockall and munlockall. There is
 * no swap, so every page already stays in RAM: these only check their
 * arguments as Linux does. The process is root (CAP_IPC_LOCK), for which
 * Linux checks no RLIMIT_MEMLOCK either; nothing is populated in advance,
 * so a locked range still gets its pages on first touch. */
#include <stdbool.h>

#include "kerrno.h"
#include "pmm.h"
#include "proc.h"
#include "syscall.h"

#define MLOCK_ONFAULT 1
#define MCL_CURRENT 1
#define MCL_FUTURE 2
#define MCL_ONFAULT 4

/* Linux rounds the range out to whole pages (with its wrap-around), then
 * needs every page of it mapped; locking without MLOCK_ONFAULT also faults
 * the pages in, which fails (ENOMEM) on PROT_NONE memory. */
static int64_t lock_range(uint64_t addr, uint64_t len, bool populate)
{
	uint64_t start = addr & ~(PAGE_SIZE - 1);
	uint64_t size = (len + (addr - start) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	unsigned flags;

	if (start + size < start)
		return -EINVAL;
	if (!size)
		return 0;
	if (!vma_covers(start, start + size))
		return -ENOMEM;
	for (uint64_t a = start; populate && a < start + size; a = vma_mapping_end(a, &flags))
		if (!vma_mapping_end(a, &flags) || !(flags & (VM_READ | VM_WRITE | VM_EXEC)))
			return -ENOMEM;
	return 0;
}

SYSCALL_DEFINE2(mlock, uint64_t, addr, size_t, len)
{
	return lock_range(addr, len, true);
}

SYSCALL_DEFINE3(mlock2, uint64_t, addr, size_t, len, int, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return lock_range(addr, len, !(flags & MLOCK_ONFAULT));
}

SYSCALL_DEFINE2(munlock, uint64_t, addr, size_t, len)

{
	return lock_range(addr, len, false);
}

SYSCALL_DEFINE1(mlockall, int, flags)
{
	int f = flags; /* Linux takes an int */

	if (!f || (f & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || f == MCL_ONFAULT)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	return 0;
}
