/* Memory system calls: brk, mmap, munmap and mprotect over the process's
 * memory areas (kernel/proc/vma.c); pages arrive zeroed on first touch. */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "printf.h"
#include "pmm.h"
#include "proc.h"
#include "syscall.h"

#define BRK_MAX (1ul << 40) /* how far the heap may grow past its start */
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MMAP_TOP 0x00007ffebffff000ul /* below the stack and a 1 GiB gap */

static uint64_t page_up(uint64_t x) { return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

static unsigned prot_flags(uint64_t prot)
{
	return VM_USER | (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* A private copy of the file's bytes from off, page by page, mapped now
 * (later writes to the file do not show through). Pages past the end of
 * the file stay demand-zero. */
static int map_file(uint64_t addr, uint64_t size, struct inode *ip, uint64_t off, unsigned flags)
{
	for (uint64_t done = 0; done < size && off + done < ip->size; done += PAGE_SIZE) {
		uint64_t pa = pmm_alloc_zeroed();
		if (!pa)
			return -ENOMEM;
		uint64_t n = ip->size - (off + done) < PAGE_SIZE ? ip->size - (off + done) : PAGE_SIZE;
		memcpy(phys_to_virt(pa), ip->data + off + done, n);
		if (vm_map(proc_space(), addr + done, pa, PAGE_SIZE, flags)) {
			pmm_free_pages(pa, 1);
			return -ENOMEM;
		}
	}
	return 0;
}

/* The break moves within its own area; a request that cannot be met leaves
 * it where it was (Linux semantics). */
int64_t sys_brk(uint64_t addr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t start, *brk = proc_brk(&start);
	uint64_t have = page_up(*brk), want = page_up(addr);

	if (addr < start || addr > start + BRK_MAX)
		return (int64_t)*brk;
	if (want > have && vma_add(have, want, VM_USER | VM_READ | VM_WRITE))
		return (int64_t)*brk;
	if (want < have)
		vma_remove(want, have);
	*brk = addr;
	return (int64_t)addr;
}

int64_t sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
		 uint64_t off)
{
	uint64_t size = page_up(len);

	if (!len || !size || (addr & (PAGE_SIZE - 1)) || (prot & ~7ul))
		return -EINVAL;
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) == 0)
		return -EINVAL;
	struct inode *file = NULL;
	if (!(flags & MAP_ANONYMOUS)) {
		struct file *f = fd_get((int)fd);
		if (!f || (f->flags & O_PATH))
			return -EBADF;
		if (off & (PAGE_SIZE - 1))
			return -EINVAL;
		if ((f->flags & O_ACCMODE) == O_WRONLY)
			return -EACCES;
		if ((f->inode->mode & S_IFMT) == S_IFCHR && f->inode->dev->read && !f->inode->dev->stream &&
		    !(flags & MAP_SHARED)) {
			file = NULL; /* /dev/zero and friends: a private mapping is anonymous memory */
		} else if (!S_ISREG(f->inode->mode)) {
			return -ENODEV;
		} else if ((flags & MAP_SHARED) && (prot & PROT_WRITE)) {
			/* Writes through the mapping would have to reach the file. */
			if ((f->flags & O_ACCMODE) != O_RDWR)
				return -EACCES;
			kprintf("mmap: shared writable file mappings are not supported\n");
			return -ENODEV;
		} else {
			file = f->inode;
		}
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr + size < addr || addr + size > USER_TOP || addr < PAGE_SIZE)
			return -EINVAL;
		if (flags & MAP_FIXED)
			vma_remove(addr, addr + size);
	} else {
		addr = vma_find_gap(size, MMAP_TOP);
		if (!addr)
			return -ENOMEM;
	}
	int err = vma_add(addr, addr + size, prot_flags(prot));
	if (err)
		return err == -EINVAL ? -EEXIST : err;
	if (file && (err = map_file(addr, size, file, off, prot_flags(prot)))) {
		vma_remove(addr, addr + size);
		return err;
	}
	return (int64_t)addr;
}

int64_t sys_munmap(uint64_t addr, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t size = page_up(len);

	if ((addr & (PAGE_SIZE - 1)) || !size || addr + size < addr || addr + size > USER_TOP)
		return -EINVAL;
	return vma_remove(addr, addr + size);
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
	/* x86 cannot make a present page unreadable: PROT_NONE pages that are
	 * already backed stay readable until unmapped. */
	return vma_protect(addr, addr + len, prot_flags(prot));
}
