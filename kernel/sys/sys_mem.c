/* Memory system calls: brk, mmap, munmap, mprotect, mremap, msync and
 * madvise over the process's memory areas (kernel/proc/vma.c); pages arrive
 * zeroed on first touch. And process_vm_readv and process_vm_writev. */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "printf.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"

#define BRK_MAX (1ul << 40) /* how far the heap may grow past its start */
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define MAP_FIXED_NOREPLACE 0x100000

static uint64_t page_up(uint64_t x) { return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* PROT_NONE is VM_NOACCESS: backed pages keep their frames but every
 * access faults, until mprotect gives access back. */
static unsigned prot_flags(uint64_t prot)
{
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return VM_USER | VM_NOACCESS;
	return VM_USER | (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* The break moves within its own area; a request that cannot be met leaves
 * it where it was (Linux semantics). */
SYSCALL_DEFINE1(brk, uint64_t, addr)
{
	uint64_t start, *brk = proc_brk(&start);
	uint64_t have = page_up(*brk), want = page_up(addr);

	if (addr < start || addr > start + BRK_MAX)
		return (int64_t)*brk;
	if (want > have && (!vma_may_commit(want - have) ||
			    vma_add(have, want, VM_USER | VM_READ | VM_WRITE)))
		return (int64_t)*brk;
	if (want < have)
		vma_remove(want, have);
	*brk = addr;
	return (int64_t)addr;
}

SYSCALL_DEFINE6(mmap, uint64_t, addr, size_t, len, uint64_t, prot, uint64_t, flags, int, fd, uint64_t, off)
{
	/* The checks in Linux's order, so that each bad call gets its errno. */
	uint64_t size = page_up(len);
	struct file *f = NULL;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && (!(f = fd_get(fd)) || (f->flags & O_PATH)))
		return -EBADF;
	if (!len || (prot & ~7ul))
		return -EINVAL;
	if (!size || size > TASK_SIZE)
		return -ENOMEM;
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) == 0)
		return -EINVAL;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr > TASK_SIZE - size)
			return -ENOMEM;
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
	}
	struct inode *file = NULL;
	if (f) {
		if ((f->flags & O_ACCMODE) == O_WRONLY)
			return -EACCES;
		if ((f->inode->mode & S_IFMT) == S_IFCHR && f->inode->dev->read && !f->inode->dev->stream &&
		    !(flags & MAP_SHARED)) {
			file = NULL; /* /dev/zero and friends: a private mapping is anonymous memory */
		} else if (!S_ISREG(f->inode->mode) || f->inode->dev) {
			return -ENODEV; /* a directory, a pipe, a generated /proc file */
		} else if (f->inode->ops && (flags & MAP_SHARED)) {
			return -ENODEV; /* a disk's files are mapped only as private copies */
		} else if ((flags & MAP_SHARED) && (prot & PROT_WRITE) &&
			   (f->inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))) {
			return -EPERM; /* a sealed memfd, as Linux's */
		} else if ((flags & MAP_SHARED) && (prot & PROT_WRITE) &&
			   (f->flags & O_ACCMODE) != O_RDWR) {
			return -EACCES; /* writes through the mapping reach the file */
		} else {
			file = f->inode;
		}
	}
	/* Linux's heuristic overcommit: memory that may be written and has no
	 * file to fall back on is refused only when it could never fit. */
	if ((prot & PROT_WRITE) && !(flags & MAP_NORESERVE) && !vma_may_commit(size))
		return -ENOMEM;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (flags & MAP_FIXED)
			vma_remove(addr, addr + size);
	} else { /* a hint is only a hint: we choose */
		addr = vma_find_gap(size, USER_MMAP_TOP);
		if (!addr)
			return -ENOMEM;
	}
	unsigned access = prot_flags(prot) | (flags & MAP_NORESERVE ? VM_NORESERVE : 0);
	if (file && (flags & MAP_SHARED) &&
	    ((f->flags & O_ACCMODE) != O_RDWR || (file->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))))
		access |= VM_NOMAYWRITE;
	int err = file ? vma_add_file(addr, addr + size, access, file, off, flags & MAP_SHARED)
		       : vma_add(addr, addr + size, access);
	if (err)
		return err == -EINVAL ? -EEXIST : err;
	return (int64_t)addr;
}

SYSCALL_DEFINE2(munmap, uint64_t, addr, size_t, len)
{
	uint64_t size = page_up(len);

	if ((addr & (PAGE_SIZE - 1)) || !size || addr > TASK_SIZE || size > TASK_SIZE - addr)
		return -EINVAL;
	return vma_remove(addr, addr + size);
}

SYSCALL_DEFINE3(mprotect, uint64_t, addr, size_t, len, uint64_t, prot)
{
	if ((addr & (PAGE_SIZE - 1)) || (prot & ~7ul))
		return -EINVAL;
	len = page_up(len);
	if (!len)
		return 0;
	if (addr + len < addr || addr + len > USER_TOP)
		return -ENOMEM;
	return vma_protect(addr, addr + len, prot_flags(prot));
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

/* [addr, addr+len) must lie in one mapping (adjacent areas with the same
 * access) to be moved or grown; a private mapping cannot be duplicated
 * with len 0. */
static int remappable(uint64_t addr, uint64_t len)
{
	unsigned flags;
	uint64_t end = vma_mapping_end(addr, &flags);

	if (!end)
		return -EFAULT;
	if (!len)
		return -EINVAL;
	return len > end - addr ? -EFAULT : 0;
}

/* MREMAP_FIXED (at new_addr, replacing what is there) or MREMAP_DONTUNMAP
 * (the old range stays, empty): always a move. */
static int64_t remap_to(uint64_t addr, uint64_t old_len, uint64_t new_addr, uint64_t new_len,
			uint64_t flags)
{
	if (flags & MREMAP_FIXED) {
		if (new_addr < PAGE_SIZE)
			return -EINVAL;
		int err = vma_remove(new_addr, new_addr + new_len);
		if (err)
			return err;
	}
	if (old_len > new_len) {
		int err = (int)sys_munmap(addr + new_len, old_len - new_len, 0, 0, 0, 0);
		if (err)
			return err;
		old_len = new_len;
	}
	int err = remappable(addr, old_len);
	if (err)
		return err;
	if (!(flags & MREMAP_FIXED) && !(new_addr = vma_find_gap(new_len, USER_MMAP_TOP)))
		return -ENOMEM;
	err = vma_move(addr, old_len, new_addr, new_len, flags & MREMAP_DONTUNMAP);
	return err ? err : (int64_t)new_addr;
}

/* Grow in place when the pages after the mapping are free, else move it
 * (with MREMAP_MAYMOVE) by moving its page-table entries, not its data. */
static int64_t grow(uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags)
{
	unsigned access;
	uint64_t end = vma_mapping_end(addr, &access);
	int err = remappable(addr, old_len);

	if (err)
		return err;
	if ((access & VM_WRITE) && !(access & VM_NORESERVE) && !vma_may_commit(new_len - old_len))
		return -ENOMEM;
	bool room_after = new_len <= TASK_SIZE - addr && vma_unused(end, addr + new_len);
	if (addr + old_len == end && room_after) {
		err = vma_extend(end, addr + new_len);
		return err ? err : (int64_t)addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t to = vma_find_gap(new_len, USER_MMAP_TOP);
	if (!to)
		return -ENOMEM;
	err = vma_move(addr, old_len, to, new_len, false);
	return err ? err : (int64_t)to;
}

/* The checks follow Linux 6.x: arguments first, then the old address must
 * be mapped (even to shrink); shrinking unmaps the tail. */
SYSCALL_DEFINE5(mremap, uint64_t, addr, uint64_t, old_len, uint64_t, new_len, uint64_t, flags, uint64_t, new_addr)
{
	unsigned access;
	bool moves = flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);

	if (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	old_len = page_up(old_len);
	new_len = page_up(new_len);
	if (!new_len || new_len > USER_TOP)
		return -EINVAL;
	/* Nothing may be mapped in the last page below 2^47: a syscall at its
	 * end would return to a non-canonical RIP. */
	if (moves && ((new_addr & (PAGE_SIZE - 1)) || new_len > TASK_SIZE ||
		      new_addr > TASK_SIZE - new_len))
		return -EINVAL;
	if (moves && addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL; /* overlapping ranges */
	if (!vma_mapping_end(addr, &access))
		return -EFAULT;
	if (moves)
		return remap_to(addr, old_len, new_addr, new_len, flags);
	if (old_len < new_len)
		return grow(addr, old_len, new_len, flags);
	if (old_len > new_len) {
		int err = (int)sys_munmap(addr + new_len, old_len - new_len, 0, 0, 0, 0);
		if (err)
			return err;
	}
	return (int64_t)addr;
}

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* Shared file mappings are copies that shmap.c keeps in step with the file;
 * msync writes them back now. The checks are Linux's. Nothing is locked, so
 * MS_INVALIDATE never sees EBUSY. */
SYSCALL_DEFINE3(msync, uint64_t, addr, size_t, len, int, flags)
{
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((addr & (PAGE_SIZE - 1)) || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	uint64_t end = addr + page_up(len);
	if (end < addr)
		return -ENOMEM;
	return end == addr ? 0 : vma_sync(addr, end);
}

enum {
	MADV_NORMAL = 0, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
	MADV_FREE = 8, MADV_REMOVE, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE,
	MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK,
	MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE,
	MADV_DONTNEED_LOCKED, MADV_COLLAPSE,
};

/* Advice that drops pages makes the next touch find zeroes, or a file
 * mapping's file bytes (a shared one's writes reach the file first), as
 * Linux does; the rest changes nothing we do. Memory-failure and
 * guard-region advice is not supported (-EINVAL). */
SYSCALL_DEFINE3(madvise, uint64_t, addr, size_t, len, uint64_t, advice)

{
	uint64_t size = page_up(len), end = addr + size;
	int adv = (int)advice;

	if (advice > MADV_COLLAPSE || (adv > MADV_DONTNEED && adv < MADV_FREE))
		return -EINVAL;
	if ((addr & (PAGE_SIZE - 1)) || (len && !size) || end < addr)
		return -EINVAL;
	if (end == addr)
		return 0;
	if (end > USER_TOP)
		return -ENOMEM;
	switch (adv) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
		return vma_discard(addr, end);
	case MADV_REMOVE:   /* only for shared mappings */
	case MADV_COLLAPSE: /* we have no huge pages to collapse into */
		return vma_unused(addr, end) ? -ENOMEM : -EINVAL;
	default:
		return vma_covers(addr, end) ? 0 : -ENOMEM;
	}
}

/* Which pages of [addr, addr + len) are backed now: a byte per page, 1 for
 * one with memory behind it (touched, or a file's), 0 for one that is
 * not yet (demand-zero). Linux's order: addr page-aligned (EINVAL), the
 * range in the user half (ENOMEM), vec writable for every byte (EFAULT),
 * then every page in an area (ENOMEM, the bytes before it written). */
SYSCALL_DEFINE3(mincore, uint64_t, addr, size_t, len, uint64_t, uvec)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (len > USER_TOP || addr > USER_TOP - len)
		return -ENOMEM;
	uint64_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	if (uvec >= USER_TOP || pages > USER_TOP - uvec)
		return -EFAULT;
	uint8_t vec[256];
	for (uint64_t done = 0; done < pages;) {
		uint64_t n = pages - done < sizeof vec ? pages - done : sizeof vec;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t va = addr + (done + i) * PAGE_SIZE;
			if (!vma_covers(va, va + PAGE_SIZE))
				return copy_to_user(uvec + done, vec, i) ? -EFAULT : -ENOMEM;
			vec[i] = vm_lookup(proc_space(), va, NULL, NULL) == 0;
		}
		if (copy_to_user(uvec + done, vec, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}

/* process_vm_readv and process_vm_writev, between two ranges of the one
 * address space: the process's own pid or any of its threads' tids (as
 * Linux finds any task), else ESRCH. Linux's order: flags (EINVAL), the
 * local vector (as readv's; nothing in it: 0), the remote one (its lengths
 * only), nothing remote (0), the pid. Bytes go a remote page at a time
 * through a kernel page, so a transfer stops where a remote page cannot be
 * read (or, for writev, written) or a local one fails, and returns what
 * moved, or EFAULT when nothing did. */
static int64_t vm_rw(int pid, uint64_t lvec, uint64_t lcnt, uint64_t rvec, uint64_t rcnt,
		     uint64_t flags, bool write)
{
	uint64_t ltotal, rany = 0; /* rany: a remote part is not empty */
	int64_t err;

	if (flags)
		return -EINVAL;
	if (lcnt > IOV_MAX)
		return -EINVAL;
	/* the local vector read once: its checks and its use see the same */
	struct iovec_user *l = kmalloc(lcnt ? lcnt * sizeof *l : 1);
	if (!l)
		return -ENOMEM;
	err = copy_from_user(l, lvec, lcnt * sizeof *l) ? -EFAULT
							: iovec_check_parts(l, lcnt, &ltotal);
	if (err || !ltotal || rcnt > IOV_MAX) {
		kfree(l);
		return err ? err : !ltotal ? 0 : -EINVAL;
	}
	struct iovec_user *r = kmalloc(rcnt ? rcnt * sizeof *r : 1);
	uint8_t *page = kmalloc(PAGE_SIZE);
	err = !r || !page ? -ENOMEM : 0;
	if (!err && copy_from_user(r, rvec, rcnt * sizeof *r))
		err = -EFAULT;
	for (uint64_t i = 0; !err && i < rcnt; i++) {
		if ((int64_t)r[i].len < 0)
			err = -EINVAL;
		rany |= r[i].len;
	}
	if (!err && rany && pid != current_proc()->pid && (pid <= 0 || !thread_find(pid)))
		err = -ESRCH;
	int64_t done = 0;
	uint64_t li = 0, loff = 0; /* the local part and the offset in it */
	for (uint64_t i = 0; !err && rany && i < rcnt && (uint64_t)done < ltotal; i++) {
		if (r[i].base + r[i].len < r[i].base) {
			err = -EFAULT; /* wraps: never the program's memory */
			break;
		}
		for (uint64_t at = r[i].base, end = r[i].base + r[i].len; at < end;) {
			uint64_t n = PAGE_SIZE - (at & (PAGE_SIZE - 1));
			if (n > end - at)
				n = end - at;
			if (n > ltotal - done)
				n = ltotal - done;
			if (!n)
				break;
			if (!write && copy_from_user(page, at, n)) {
				err = -EFAULT;
				break;
			}
			/* the local side, part by part, up to a fault */
			uint64_t k = 0;
			bool fault = false;
			while (k < n && !fault) {
				while (li < lcnt && l[li].len == loff) {
					li++;
					loff = 0;
				}
				if (li == lcnt)
					break; /* (cannot be: n is within ltotal) */
				uint64_t m = n - k < l[li].len - loff ? n - k : l[li].len - loff;
				/* within one local page, so that a fault loses no byte
				 * already copied: Linux counts them */
				uint64_t in_page =
				    PAGE_SIZE - ((l[li].base + loff) & (PAGE_SIZE - 1));
				if (m > in_page)
					m = in_page;
				fault = write ? copy_from_user(page + k, l[li].base + loff, m)
					      : copy_to_user(l[li].base + loff, page + k, m);
				if (!fault) {
					k += m;
					loff += m;
				}
			}
			if (write && k && copy_to_user(at, page, k)) {
				err = -EFAULT; /* the remote page: none of it moved */
				break;
			}
			done += (int64_t)k;
			if (fault) {
				err = -EFAULT;
				break;
			}
			at += n;
		}
	}
	kfree(page);
	kfree(r);
	kfree(l);
	return done ? done : err;
}

SYSCALL_DEFINE6(process_vm_readv, int, pid, uint64_t, lvec, uint64_t, lcnt, uint64_t, rvec,
		uint64_t, rcnt, uint64_t, flags)
{
	return vm_rw(pid, lvec, lcnt, rvec, rcnt, flags, false);
}

SYSCALL_DEFINE6(process_vm_writev, int, pid, uint64_t, lvec, uint64_t, lcnt, uint64_t, rvec,
		uint64_t, rcnt, uint64_t, flags)
{
	return vm_rw(pid, lvec, lcnt, rvec, rcnt, flags, true);
}
