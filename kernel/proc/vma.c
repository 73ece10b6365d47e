/*
 * The process's memory areas: which user ranges exist and with what access.
 * Pages inside an area are backed on first touch (demand-zero), so an 8 MiB
 * stack or a large anonymous mmap costs nothing until used. Adjacent areas
 * with the same access are kept merged, and the areas live in a balanced
 * tree (vmatree.c): a program with 10,000 mappings or 100,000 brk calls
 * pays O(log n) per fault, mmap and munmap.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "proc.h"
#include "task.h"
#include "vmatree.h"

/* The running process's areas and page counts. */
static struct vma_tree *areas(void) { return &current_proc()->areas; }
static struct vma_usage *usage(void) { return &current_proc()->usage; }

/* The area holding addr, or NULL. */
static struct vma *find(uint64_t addr)
{
	struct vma *v = vmatree_floor(areas(), addr);
	return v && addr < v->end ? v : NULL;
}

/* The first area that ends above addr, or NULL. */
static struct vma *first_after(uint64_t addr)
{
	struct vma *v = vmatree_floor(areas(), addr);
	if (!v)
		return areas()->first;
	return addr < v->end ? v : v->next;
}

static bool overlaps(uint64_t start, uint64_t end)
{
	struct vma *v = vmatree_floor(areas(), end - 1);
	return v && v->end > start;
}

/* Does b continue a, touching it, with the same access and backing? */
static bool continues(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->flags == b->flags && a->file == b->file &&
	       a->image == b->image && a->image_end == b->image_end && a->shared == b->shared &&
	       (!(a->file || a->image) || b->off == a->off + (a->end - a->start));
}

static void free_area(struct vma *v)
{
	if (v->file)
		inode_put(v->file);
	kfree(v);
}

/* Fold v's successor into v when it continues v. */
static void merge_next(struct vma *v)
{
	struct vma *n = v ? v->next : NULL;

	if (!n || !continues(v, n))
		return;
	vmatree_remove(areas(), n);
	v->end = n->end;
	vmatree_changed(areas(), v);
	free_area(n);
}

/* Merge again what a split left apart in [start, end], after a change
 * that was undone or that made neighbours alike. */
static void remerge(uint64_t start, uint64_t end)
{
	struct vma *v = start ? vmatree_floor(areas(), start - 1) : NULL;

	for (v = v ? v : areas()->first; v && v->start <= end;) {
		struct vma *n = v->next;
		if (n && continues(v, n))
			merge_next(v);
		else
			v = n;
	}
}

/* A new area, merged with its neighbours when they continue each other. */
static int add_area(const struct vma *want)
{
	if (want->start >= want->end || want->end > TASK_SIZE || overlaps(want->start, want->end))
		return -EINVAL;
	struct vma *prev = vmatree_floor(areas(), want->start);
	if (prev && continues(prev, want)) {
		prev->end = want->end; /* grows in place: brk and mremap's common case */
		vmatree_changed(areas(), prev);
		merge_next(prev);
		return 0;
	}
	struct vma *n = kmalloc(sizeof *n);
	if (!n)
		return -ENOMEM;
	*n = *want;
	if (n->file)
		inode_get(n->file);
	vmatree_insert(areas(), n);
	merge_next(n);
	return 0;
}

int vma_add(uint64_t start, uint64_t end, unsigned flags)
{
	return add_area(&(struct vma){.start = start, .end = end, .flags = flags});
}

/* Split the area containing addr so that one starts exactly at addr. */
static int split_at(uint64_t addr)
{
	struct vma *v = find(addr);

	if (!v || v->start == addr)
		return 0;
	struct vma *n = kmalloc(sizeof *n);
	if (!n)
		return -ENOMEM;
	*n = *v; /* the same access and backing; the tree links are set anew */
	n->start = addr;
	n->off = v->off + (addr - v->start);
	if (n->file)
		inode_get(n->file);
	v->end = addr;
	vmatree_changed(areas(), v);
	vmatree_insert(areas(), n);
	return 0;
}

/* The pages of [start, end) unmapped together, at most this many at a
 * time: one TLB shootdown for them all (and one more for each 32 page
 * tables the unmap empties; one a page made a 128 MiB munmap on two CPUs
 * 4 times slower than on one), and only then freed, so that no CPU can
 * still reach a page through its TLB once it is reused. */
#define RELEASE_BATCH 256

static void release_pages(uint64_t start, uint64_t end)
{
	struct vm_space *as = proc_space();
	uint64_t pa[RELEASE_BATCH], from = start, va = start;
	unsigned n = 0;

	for (;;) {
		va = vm_next_mapped(as, va, end);
		if (n == RELEASE_BATCH || (va >= end && n)) {
			uint64_t to = va < end ? va : end;
			vm_unmap(as, from, to - from);
			for (unsigned i = 0; i < n; i++)
				pmm_free_user_pages(pa[i], 1);
			usage()->resident -= n;
			n = 0;
			from = to;
		}
		if (va >= end)
			break;
		vm_lookup(as, va, &pa[n++], NULL);
		va += PAGE_SIZE;
	}
}

/* Copy the file's bytes for [lo, hi) of file area v into fresh pages, mapped
 * now: what the mapping shows is a copy, taken at mmap (or MADV_DONTNEED)
 * time, which for a shared mapping shmap.c keeps in step with the file from
 * then on. Pages past the end of the file (or segment) stay demand-zero. */
static int fill_from_file(const struct vma *v, uint64_t lo, uint64_t hi)
{
	if (v->file && v->file->shmaps)
		shmap_writeback(v->file); /* the copy must include other mappings' writes */
	const uint8_t *src = v->file ? v->file->data : v->image;
	uint64_t src_end = v->file ? v->file->size : v->image_end;
	struct inode *disk_file = v->file && v->file->ops ? v->file : NULL;

	for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
		uint64_t off = v->off + (va - v->start);
		if (off >= src_end)
			break;
		uint64_t n = src_end - off < PAGE_SIZE ? src_end - off : PAGE_SIZE;
		uint64_t pa = pmm_alloc_zeroed();
		if (!pa)
			return -ENOMEM;
		if (!disk_file)
			memcpy(phys_to_virt(pa), src + off, n);
		else if (disk_file->ops->read(disk_file, phys_to_virt(pa), n, off) != (int64_t)n) {
			pmm_free_pages(pa, 1);
			return -EIO; /* read from the disk now: the mapping is a copy */
		}
		if (vm_map(proc_space(), va, pa, PAGE_SIZE, v->flags & ~VM_READ)) {
			pmm_free_pages(pa, 1);
			return -ENOMEM;
		}
		if (++usage()->resident > usage()->peak)
			usage()->peak = usage()->resident;
	}
	return 0;
}

/* Back [lo, hi), just added to file area v: a shared one is kept in step
 * with the file from now on (shmap.c), then the file's bytes are copied in.
 * On failure the caller removes [lo, hi) again. */
static int map_file_part(const struct vma *v, uint64_t lo, uint64_t hi)
{
	if (v->shared) {
		int err = shmap_add(lo, hi, v->file, v->off + (lo - v->start));
		if (err)
			return err;
	}
	return fill_from_file(v, lo, hi);
}

int vma_add_file(uint64_t start, uint64_t end, unsigned flags, struct inode *ip, uint64_t off,
		 bool shared)
{
	struct vma want = {.start = start, .end = end, .flags = flags, .file = ip, .off = off,
			   .shared = shared};
	int err = add_area(&want);

	if (!err && (err = map_file_part(find(start), start, end)))
		vma_remove(start, end);
	return err;
}

int vma_add_image(uint64_t start, uint64_t end, unsigned flags, const void *image, uint64_t off,
		  uint64_t image_end)
{
	return add_area(&(struct vma){.start = start, .end = end, .flags = flags, .image = image,
				      .off = off, .image_end = image_end});
}

int vma_sync(uint64_t start, uint64_t end)
{
	if (!vma_covers(start, end))
		return -ENOMEM;
	for (struct vma *v = first_after(start); v && v->start < end; v = v->next)
		if (v->shared)
			shmap_writeback(v->file);
	return 0;
}

int vma_remove(uint64_t start, uint64_t end)
{
	int err = split_at(start);
	if (!err)
		err = split_at(end);
	if (err) {
		remerge(start, end);
		return err;
	}
	shmap_unmap(start, end); /* a shared file mapping's writes reach the file first */
	for (struct vma *v = first_after(start); v && v->start < end;) {
		struct vma *next = v->next;
		release_pages(v->start, v->end);
		vmatree_remove(areas(), v);
		free_area(v);
		v = next;
	}
	return 0;
}

/* Linux counts private memory against overcommit when it first becomes
 * writable: a piece of [start, end) that turns writable must fit in RAM. */
static bool protect_may_commit(uint64_t start, uint64_t end, unsigned flags)
{
	for (struct vma *v = first_after(start); v && v->start < end && (flags & VM_WRITE);
	     v = v->next) {
		uint64_t lo = v->start > start ? v->start : start, hi = v->end < end ? v->end : end;
		if (!(v->flags & (VM_WRITE | VM_NORESERVE)) && !v->shared && !vma_may_commit(hi - lo))
			return false;
	}
	return true;
}

int vma_protect(uint64_t start, uint64_t end, unsigned flags)
{
	if (!vma_covers(start, end) || !protect_may_commit(start, end, flags))
		return -ENOMEM;
	for (const struct vma *v = find(start); v && v->start < end && (flags & VM_WRITE); v = v->next)
		if (v->flags & VM_NOMAYWRITE)
			return -EACCES;
	int err = split_at(start);
	if (!err)
		err = split_at(end);
	if (err) {
		remerge(start, end);
		return err;
	}
	for (struct vma *v = find(start); v && v->start < end; v = v->next) {
		v->flags = flags | (v->flags & (VM_NORESERVE | VM_NOMAYWRITE));
		uint64_t va = v->start;
		for (; (va = vm_next_mapped(proc_space(), va, v->end)) < v->end; va += PAGE_SIZE)
			vm_protect(proc_space(), va, PAGE_SIZE, flags);
	}
	remerge(start, end);
	return 0;
}

uint64_t vma_find_gap(uint64_t len, uint64_t top)
{
	return vmatree_find_gap(areas(), len, PAGE_SIZE, top);
}

int vma_fault(uint64_t addr, bool write, bool exec)
{
	const struct vma *v = find(addr);
	uint64_t va = addr & ~(PAGE_SIZE - 1);

	if (!v || (write && !(v->flags & VM_WRITE)) || (exec && !(v->flags & VM_EXEC)) ||
	    !(v->flags & (VM_WRITE | VM_EXEC | VM_READ)))
		return -EFAULT;
	unsigned now;
	if (vm_lookup(proc_space(), va, NULL, &now) == 0) {
		/* Present: a protection fault, unless another thread backed
		 * the page (or changed its access) between the fault and the
		 * kernel lock; then the access is retried. */
		if ((write && !(now & VM_WRITE)) || (exec && !(now & VM_EXEC)) || !(now & VM_USER) ||
		    (now & VM_NOACCESS))
			return -EFAULT;
		return 0;
	}
	/* the program's own segment: its bytes (a whole page of them needs
	 * no zeroing first) */
	uint64_t off = v->off + (va - v->start), n = 0;
	if (v->image && !v->file && off < v->image_end)
		n = v->image_end - off < PAGE_SIZE ? v->image_end - off : PAGE_SIZE;
	uint64_t pa = n == PAGE_SIZE ? pmm_alloc_pages(1, PAGE_SIZE) : pmm_alloc_zeroed();
	if (pa && n)
		memcpy(phys_to_virt(pa), v->image + off, n);
	if (pa && vm_map(proc_space(), va, pa, PAGE_SIZE, v->flags & ~VM_READ)) {
		pmm_free_pages(pa, 1);
		pa = 0;
	}
	if (!pa) {
		current_proc()->out_of_memory = true;
		return -ENOMEM;
	}
	usage()->faults++;
	if (++usage()->resident > usage()->peak)
		usage()->peak = usage()->resident;
	return 0;
}

uint64_t vma_mapping_end(uint64_t addr, unsigned *flags)
{
	const struct vma *v = find(addr);

	if (!v)
		return 0;
	*flags = v->flags;
	return v->end; /* neighbours with the same access are already merged */
}

bool vma_unused(uint64_t start, uint64_t end)
{
	return start < end && end <= TASK_SIZE && !overlaps(start, end);
}

int vma_move(uint64_t from, uint64_t len, uint64_t to, uint64_t new_len, bool keep_old)
{
	struct vm_space *as = proc_space();
	uint64_t end = from + len, va;
	unsigned flags;

	if (new_len < len || vma_mapping_end(from, &flags) < end || !vma_unused(to, to + new_len))
		return -EINVAL;
	struct vma want = *find(from);
	want.off += from - want.start;
	want.start = to;
	want.end = to + new_len;
	int err = split_at(from);
	if (!err)
		err = split_at(end);
	if (!err)
		err = add_area(&want);
	/* A shared mapping stays shared where it moves to. */
	if (!err && want.shared && (err = shmap_add(to, to + new_len, want.file, want.off)))
		vma_remove(to, to + new_len);
	if (err) {
		remerge(from, end);
		return err;
	}
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
	/* A file mapping's new tail shows the file; without the memory for
	 * that copy it stays demand-zero (still kept in step once touched). */
	if ((want.file || want.image) && new_len > len)
		fill_from_file(find(to), to + len, to + new_len);
	/* Removing the old range needs no memory (it is split already) unless
	 * the new range touches it and was merged into it: then a failure
	 * leaves the old range in place, empty, as keep_old would. */
	if (!keep_old)
		vma_remove(from, end);
	remerge(from, end);
	return 0;

out_unmap_new:
	if (va > from)
		vm_unmap(as, to, va - from);
	vma_remove(to, to + new_len);
	remerge(from, end);
	return -ENOMEM;
}

int vma_extend(uint64_t end, uint64_t new_end)
{
	const struct vma *v = find(end - 1);
	if (!v || v->end != end)
		return -EINVAL;
	struct vma want = *v;
	want.off += end - v->start;
	want.start = end;
	want.end = new_end;
	int err = add_area(&want);
	if (!err && (want.file || want.image) && (err = map_file_part(find(end), end, new_end)))
		vma_remove(end, new_end);
	return err;
}

int vma_add_stack(void)
{
	int err = vma_add(USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP,
			  VM_USER | VM_READ | VM_WRITE);
	if (!err)
		current_proc()->stack_lo = USER_STACK_TOP - USER_STACK_SIZE;
	return err;
}

int vma_grow_stack(uint64_t size)
{
	size = size < USER_STACK_MAX ? (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1) : USER_STACK_MAX;
	uint64_t bottom = current_proc()->stack_lo, want = USER_STACK_TOP - size;
	if (!bottom || want >= bottom)
		return 0;
	/* what the program mapped below, with a guard page above it */
	const struct vma *below = vmatree_floor(areas(), bottom - 1);
	if (below && want < below->end + PAGE_SIZE)
		want = below->end + PAGE_SIZE;
	if (want >= bottom)
		return -ENOMEM;
	/* the new part takes the access of the stack's lowest area, as Linux's
	 * growth does; none if the program unmapped it or mapped a file there */
	const struct vma *lowest = find(bottom);
	if (!lowest || lowest->file || lowest->image || lowest->shared)
		return -ENOMEM;
	int err = vma_add(want, bottom, lowest->flags);
	if (!err)
		current_proc()->stack_lo = want;
	return err;
}

bool vma_covers(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a < end;) {
		const struct vma *v = find(a);
		if (!v)
			return false;
		a = v->end;
	}
	return true;
}

int vma_discard(uint64_t start, uint64_t end)
{
	uint64_t covered = 0;
	int err = 0;

	for (struct vma *v = first_after(start); v && v->start < end; v = v->next) {
		uint64_t lo = v->start > start ? v->start : start, hi = v->end < end ? v->end : end;
		if (v->shared) /* what it wrote reaches the file before the pages go */
			shmap_writeback(v->file);
		release_pages(lo, hi);
		/* the next touch reads the file again: a file's now, a program
		 * segment's at that touch (vma_fault) */
		if (v->file && !err)
			err = fill_from_file(v, lo, hi);
		covered += hi - lo;
	}
	if (err)
		return err;
	return covered == end - start ? 0 : -ENOMEM;
}

void vma_usage_reset(void)
{
	struct vm_space *as = proc_space();

	*usage() = (struct vma_usage){0, 0, 0};
	current_proc()->out_of_memory = false;
	for (struct vma *v = areas()->first; v; v = v->next) {
		uint64_t va = v->start;
		for (; (va = vm_next_mapped(as, va, v->end)) < v->end; va += PAGE_SIZE)
			usage()->resident++;
	}
	usage()->peak = usage()->resident;
}

struct vma_usage vma_usage(void) { return *usage(); }

bool vma_out_of_memory(void) { return current_proc()->out_of_memory; }

bool vma_may_commit(uint64_t bytes) { return bytes / PAGE_SIZE <= pmm_total_count(); }

void vma_clear(void)
{
	while (areas()->first) {
		struct vma *v = areas()->first;
		vmatree_remove(areas(), v);
		free_area(v);
	}
}
