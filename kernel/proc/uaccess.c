/* copy_from_user / copy_to_user (and cmpxchg_user for futexes): the only way
 * the kernel touches user memory. A bad pointer becomes -EFAULT through
 * trap_catch, never a kernel fault. */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "proc.h"
#include "task.h"
#include "trap.h"

/* In the user half; or, while the thread copies between two of its files
 * through a kernel buffer (sendfile), within that buffer. */
static int user_range_ok(uint64_t addr, size_t n)
{
	if (addr + n >= addr && addr + n <= USER_TOP)
		return 1;
	struct thread *t = current_thread();
	return t && t->kcopy && kernel_copy_holds(t->kcopy, addr, n);
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	struct trap_catcher c;

	if (!user_range_ok(usrc, n))
		return -EFAULT;
	if (trap_catch(&c))
		return -EFAULT;
	memcpy(dst, (const void *)(uintptr_t)usrc, n);
	trap_uncatch(&c);
	return 0;
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
	struct trap_catcher c;

	if (!user_range_ok(udst, n))
		return -EFAULT;
	if (trap_catch(&c))
		return -EFAULT;
	memcpy((void *)(uintptr_t)udst, src, n);
	trap_uncatch(&c);
	return 0;
}

int cmpxchg_user(uint64_t uaddr, uint32_t *expected, uint32_t desired)
{
	struct trap_catcher c;
	bool swapped;

	if ((uaddr & 3) || !user_range_ok(uaddr, sizeof desired))
		return -EFAULT;
	if (trap_catch(&c))
		return -EFAULT;
	/* LOCK CMPXCHG writes even when it fails: a read-only page faults. */
	swapped = __atomic_compare_exchange_n((uint32_t *)(uintptr_t)uaddr, expected, desired, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	trap_uncatch(&c);
	return swapped ? 0 : -EAGAIN;
}
