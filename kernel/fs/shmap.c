/*
 * Shared mappings of in-memory files (MAP_SHARED of a file in the tree,
 * as shm_open and sem_open use in /dev/shm, and System V shared memory).
 * Each mapping gets its own copy of the file's pages (the memory area,
 * vma.c, copies them in and registers the range here), and they are kept
 * in step at every point where one can be seen through another: at every
 * system call's entry, for a file mapped more than once (the bytes each
 * mapping changed since the last sync go to the file, then every mapping
 * gets the file's bytes), before the file is read, written, truncated or
 * mapped again, on msync, and before a range is unmapped or discarded
 * (MADV_DONTNEED); after the file is written or truncated its bytes go to
 * the mappings. Nothing goes past the file's end: a mapping's bytes there
 * stay its own, as on Linux. With one thread, only the program's own memory
 * accesses fall in between: two mappings of one file differ from a write
 * through one to the next system call. The cost, a compare and copy of
 * every shared page per system call, is paid only while a file has more
 * than one shared mapping.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "proc.h"
#include "task.h"

struct shmap {
	uint64_t start, end; /* the user range, page aligned */
	uint64_t off;	     /* file offset of start */
	struct inode *ip;    /* holds a reference while mapped */
	struct shmap *next;
};

/* A process's shared mappings are in its struct proc (task.h): they are
 * ranges of its address space. */

int shmap_add(uint64_t start, uint64_t end, struct inode *ip, uint64_t off)
{
	int err = inode_own(ip);
	if (err)
		return err;
	/* A mapping grown in place (mremap) stays one: a second record would
	 * count as a second mapping and cost a sync at every system call. */
	for (struct shmap *m = current_proc()->shmaps; m; m = m->next)
		if (m->ip == ip && m->end == start && m->off + (m->end - m->start) == off) {
			m->end = end;
			return 0;
		}
	struct shmap *m = kmalloc(sizeof *m);
	if (!m)
		return -ENOMEM;
	*m = (struct shmap){start, end, off, ip, current_proc()->shmaps};
	current_proc()->shmaps = m;
	inode_get(ip);
	if (++ip->shmaps == 2)
		current_proc()->shmap_multi++;
	return 0;
}

/* Copy between the pages of m's range [from, to) that are backed and the
 * file's bytes there (to the file when `back`, else to the mapping). */
static void sync_range(const struct shmap *m, uint64_t from, uint64_t to, bool back)
{
	struct inode *ip = m->ip;

	for (uint64_t va = from; va < to; va += PAGE_SIZE) {
		uint64_t pos = m->off + (va - m->start), pa;
		if (pos >= ip->size)
			break;
		if (vm_lookup(proc_space(), va, &pa, NULL))
			continue; /* never touched: it will be copied in when it is */
		uint64_t n = ip->size - pos < PAGE_SIZE ? ip->size - pos : PAGE_SIZE;
		uint8_t *page = phys_to_virt(pa);
		if (back) {
			memcpy(ip->data + pos, page, n);
		} else {
			memcpy(page, ip->data + pos, n);
			memset(page + n, 0, PAGE_SIZE - n); /* past the end of the file */
		}
	}
}

/* m's backed page holding the file's page at pos, or NULL. */
static uint8_t *backed_page(const struct shmap *m, uint64_t pos)
{
	uint64_t pa;

	if (pos < m->off || pos - m->off >= m->end - m->start ||
	    vm_lookup(proc_space(), m->start + (pos - m->off), &pa, NULL))
		return NULL;
	return phys_to_virt(pa);
}

/* True if a record before m in the list has a backed page for ip at pos:
 * that page of the file was merged already. */
static bool merged_before(const struct shmap *m, uint64_t pos)
{
	for (const struct shmap *r = current_proc()->shmaps; r != m; r = r->next)
		if (r->ip == m->ip && backed_page(r, pos))
			return true;
	return false;
}

/* The file's page at pos takes every byte that one of its mappings changed
 * since the last sync. Each mapping is compared with the page as it was,
 * not as the mappings before it left it: otherwise an unchanged (now
 * stale) copy would undo a store made through another mapping. */
static void merge_page(struct inode *ip, uint64_t pos)
{
	static uint8_t was[PAGE_SIZE];
	uint64_t n = ip->size - pos < PAGE_SIZE ? ip->size - pos : PAGE_SIZE;
	uint8_t *page;

	memcpy(was, ip->data + pos, n);
	for (const struct shmap *m = current_proc()->shmaps; m; m = m->next)
		if (m->ip == ip && (page = backed_page(m, pos)))
			for (uint64_t i = 0; i < n; i++)
				if (page[i] != was[i])
					ip->data[pos + i] = page[i];
}

void shmap_writeback(struct inode *ip)
{
	for (struct shmap *m = current_proc()->shmaps; m && ip->shmaps; m = m->next) {
		if (m->ip != ip)
			continue;
		for (uint64_t pos = m->off; pos - m->off < m->end - m->start && pos < ip->size;
		     pos += PAGE_SIZE)
			if (backed_page(m, pos) && !merged_before(m, pos))
				merge_page(ip, pos);
	}
}

/* True if m is its file's first record in the list. */
static bool first_of_file(const struct shmap *m)
{
	for (const struct shmap *r = current_proc()->shmaps; r != m; r = r->next)
		if (r->ip == m->ip)
			return false;
	return true;
}

void shmap_sync_all(void)
{
	/* A file with one mapping is kept in step by the hooks on the file
	 * itself; only mappings that can see each other need this (and most
	 * system calls, with no such file, return at once). */
	if (!current_proc()->shmap_multi)
		return;
	for (struct shmap *m = current_proc()->shmaps; m; m = m->next)
		if (m->ip->shmaps > 1 && first_of_file(m))
			shmap_writeback(m->ip);
	for (struct shmap *m = current_proc()->shmaps; m; m = m->next)
		if (m->ip->shmaps > 1)
			sync_range(m, m->start, m->end, false);
}

void shmap_refresh(struct inode *ip)
{
	for (struct shmap *m = current_proc()->shmaps; m && ip->shmaps; m = m->next)
		if (m->ip == ip)
			sync_range(m, m->start, m->end, false);
}

/* Drop m from the list and its reference to the file. */
static void forget(struct shmap **pp)
{
	struct shmap *m = *pp;
	*pp = m->next;
	if (m->ip->shmaps-- == 2)
		current_proc()->shmap_multi--;
	inode_put(m->ip);
	kfree(m);
}

void shmap_unmap(uint64_t start, uint64_t end)
{
	for (struct shmap **pp = &current_proc()->shmaps; *pp;) {
		struct shmap *m = *pp;
		if (m->end <= start || m->start >= end) {
			pp = &m->next;
			continue;
		}
		uint64_t lo = m->start > start ? m->start : start, hi = m->end < end ? m->end : end;
		sync_range(m, lo, hi, true);
		if (m->start < lo && hi < m->end) { /* a hole in the middle: keep the tail */
			if (shmap_add(hi, m->end, m->ip, m->off + (hi - m->start))) {
				sync_range(m, hi, m->end, true); /* the tail becomes private */
			}
			m->end = lo;
		} else if (m->start < lo) {
			m->end = lo;
		} else if (hi < m->end) {
			m->off += hi - m->start;
			m->start = hi;
		} else {
			forget(pp);
			continue;
		}
		pp = &m->next;
	}
}

void shmap_clear(void)
{
	while (current_proc()->shmaps)
		forget(&current_proc()->shmaps);
}
