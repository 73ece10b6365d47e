/*
 * The process's memory areas: which user ranges exist and with what access.
 * Pages inside an area are backed on first touch (demand-zero), so an 8 MiB
 * stack or a large anonymous mmap costs nothing until used.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "pmm.h"
#include "proc.h"

struct vma {
	uint64_t start, end; /* page aligned, end exclusive */
	unsigned flags;      /* VM_* including VM_USER; 0 access bits = PROT_NONE */
	struct vma *next;    /* sorted by start */
};

static struct vma *areas;
static struct vma_usage usage;

static bool overlaps(uint64_t start, uint64_t end)
{
	for (struct vma *v = areas; v && v->start < end; v = v->next)
		if (v->end > start)
			return true;
	return false;
}

int vma_add(uint64_t start, uint64_t end, unsigned flags)
{
	if (start >= end || end > USER_TOP || overlaps(start, end))
		return -EINVAL;
	struct vma *n = kmalloc(sizeof *n), **pp = &areas;
	if (!n)
		return -ENOMEM;
	while (*pp && (*pp)->start < start)
		pp = &(*pp)->next;
	*n = (struct vma){start, end, flags, *pp};
	*pp = n;
	return 0;
}

const struct vma *vma_find(uint64_t addr);
const struct vma *vma_find(uint64_t addr)
{
	for (struct vma *v = areas; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

/* Split the area containing addr so that one starts exactly at addr. */
static int split_at(uint64_t addr)
{
	for (struct vma *v = areas; v && v->start < addr; v = v->next) {
		if (addr >= v->end)
			continue;
		struct vma *n = kmalloc(sizeof *n);
		if (!n)
			return -ENOMEM;
		*n = (struct vma){addr, v->end, v->flags, v->next};
		v->end = addr;
		v->next = n;
		return 0;
	}
	return 0;
}

static void release_pages(uint64_t start, uint64_t end)
{
	struct vm_space *as = proc_space();

	for (uint64_t va = start; (va = vm_next_mapped(as, va, end)) < end; va += PAGE_SIZE) {
		uint64_t pa;
		vm_lookup(as, va, &pa, NULL);
		vm_unmap(as, va, PAGE_SIZE);
		pmm_free_pages(pa, 1);
		usage.resident--;
	}
}

int vma_remove(uint64_t start, uint64_t end)
{
	shmap_unmap(start, end); /* a shared file mapping's writes reach the file first */
	int err = split_at(start);
	if (!err)
		err = split_at(end);
	if (err)
		return err;
	for (struct vma **pp = &areas; *pp;) {
		struct vma *v = *pp;
		if (v->start >= start && v->end <= end) {
			release_pages(v->start, v->end);
			*pp = v->next;
			kfree(v);
		} else {
			pp = &v->next;
		}
	}
	return 0;
}

int vma_protect(uint64_t start, uint64_t end, unsigned flags)
{
	if (!vma_covers(start, end))
		return -ENOMEM;
	int err = split_at(start);
	if (!err)
		err = split_at(end);
	if (err)
		return err;
	for (struct vma *v = areas; v && v->start < end; v = v->next) {
		if (v->start < start)
			continue;
		v->flags = flags;
		uint64_t va = v->start;
		for (; (va = vm_next_mapped(proc_space(), va, v->end)) < v->end; va += PAGE_SIZE)
			vm_protect(proc_space(), va, PAGE_SIZE, flags);
	}
	return 0;
}

uint64_t vma_find_gap(uint64_t len, uint64_t top)
{
	if (len > top || top - len < PAGE_SIZE)
		return 0;
	uint64_t candidate = top - len;

	/* Areas are sorted upwards; walk them to find the highest hole below top. */
	for (;;) {
		bool moved = false;
		for (struct vma *v = areas; v; v = v->next)
			if (v->start < candidate + len && v->end > candidate) {
				if (v->start < len + PAGE_SIZE)
					return 0;
				candidate = v->start - len;
				moved = true;
			}
		if (!moved)
			return candidate >= PAGE_SIZE ? candidate : 0;
	}
}

int vma_fault(uint64_t addr, bool write, bool exec)
{
	const struct vma *v = vma_find(addr);
	uint64_t va = addr & ~(PAGE_SIZE - 1);

	if (!v || (write && !(v->flags & VM_WRITE)) || (exec && !(v->flags & VM_EXEC)) ||
	    !(v->flags & (VM_WRITE | VM_EXEC | VM_READ)))
		return -EFAULT;
	if (vm_lookup(proc_space(), va, NULL, NULL) == 0)
		return -EFAULT; /* present: a protection fault, not a missing page */
	uint64_t pa = pmm_alloc_zeroed();
	if (!pa)
		return -ENOMEM;
	if (vm_map(proc_space(), va, pa, PAGE_SIZE, v->flags & ~VM_READ)) {
		pmm_free_pages(pa, 1);
		return -ENOMEM;
	}
	usage.faults++;
	if (++usage.resident > usage.peak)
		usage.peak = usage.resident;
	return 0;
}

uint64_t vma_mapping_end(uint64_t addr, unsigned *flags)
{
	const struct vma *v = vma_find(addr);

	if (!v)
		return 0;
	*flags = v->flags;
	while (v->next && v->next->start == v->end && v->next->flags == v->flags)
		v = v->next;
	return v->end;
}

bool vma_unused(uint64_t start, uint64_t end)
{
	return start < end && end <= USER_TOP && !overlaps(start, end);
}

int vma_move(uint64_t from, uint64_t len, uint64_t to, uint64_t new_len, bool keep_old)
{
	struct vm_space *as = proc_space();
	uint64_t end = from + len, va;
	unsigned flags;

	if (new_len < len || vma_mapping_end(from, &flags) < end || !vma_unused(to, to + new_len))
		return -EINVAL;
	int err = split_at(from);
	if (!err)
		err = split_at(end);
	if (!err)
		err = vma_add(to, to + new_len, flags);
	if (err)
		return err;
	/* Map every backed page at its new address too, then drop the old
	 * mappings: a failure half-way leaves the old range as it was. */
	for (va = from; (va = vm_next_mapped(as, va, end)) < end; va += PAGE_SIZE) {
		uint64_t pa;
		unsigned pf;
		vm_lookup(as, va, &pa, &pf);
		if (vm_map(as, to + (va - from), pa, PAGE_SIZE, pf))
			goto out_unmap_new;
	}
	vm_unmap(as, from, len);
	if (!keep_old)
		vma_remove(from, end); /* cannot fail: already split, nothing left to free */
	return 0;

out_unmap_new:
	if (va > from)
		vm_unmap(as, to, va - from);
	vma_remove(to, to + new_len);
	return -ENOMEM;
}

bool vma_covers(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a < end;) {
		const struct vma *v = vma_find(a);
		if (!v)
			return false;
		a = v->end;
	}
	return true;
}

int vma_discard(uint64_t start, uint64_t end)
{
	uint64_t covered = 0;

	shmap_unmap(start, end); /* what it wrote reaches the file; the rest is private */

	for (struct vma *v = areas; v && v->start < end; v = v->next) {
		uint64_t lo = v->start > start ? v->start : start, hi = v->end < end ? v->end : end;
		if (lo < hi) {
			release_pages(lo, hi);
			covered += hi - lo;
		}
	}
	return covered == end - start ? 0 : -ENOMEM;
}

void vma_usage_reset(void)
{
	struct vm_space *as = proc_space();

	usage = (struct vma_usage){0, 0, 0};
	for (struct vma *v = areas; v; v = v->next) {
		uint64_t va = v->start;
		for (; (va = vm_next_mapped(as, va, v->end)) < v->end; va += PAGE_SIZE)
			usage.resident++;
	}
	usage.peak = usage.resident;
}

struct vma_usage vma_usage(void) { return usage; }

void vma_clear(void)
{
	while (areas) {
		struct vma *v = areas;
		areas = v->next;
		kfree(v);
	}
}
