/* A process's memory areas as a balanced search tree: an AVL tree ordered by
 * start address, threaded with a sorted list, and augmented with the largest
 * hole in each subtree, so that a lookup, an insert, a removal and the search
 * for a free range are each O(log n) however many areas a program keeps.
 * Pure logic: the caller allocates and frees the nodes. */
#ifndef BF_VMATREE_H
#define BF_VMATREE_H

#include <stdbool.h>
#include <stdint.h>

struct inode;

struct vma {
	uint64_t start, end;	   /* page aligned, end exclusive */
	unsigned flags;		   /* VM_* including VM_USER; 0 access bits = PROT_NONE */
	struct inode *file;	   /* file mapping (holding a reference), or NULL */
	const uint8_t *image;	   /* or a program segment's bytes in the ELF file */
	uint64_t image_end;	   /* where the segment's file bytes end in it */
	uint64_t off;		   /* the file offset at start */
	bool shared;		   /* MAP_SHARED: kept in step with the file (shmap.c) */
	struct vma *prev, *next;   /* the areas in address order */
	struct vma *left, *right;  /* the tree */
	uint64_t lo, hi;	   /* first start and last end in this subtree */
	uint64_t hole;		   /* largest gap between neighbours in this subtree */
	int height;
};

struct vma_tree {
	struct vma *root;
	struct vma *first; /* lowest area, head of the list */
};

/* Add v (start and end set, overlapping nothing in t) to the tree and list. */
void vmatree_insert(struct vma_tree *t, struct vma *v);
/* Take v out of the tree and list; the caller frees it. */
void vmatree_remove(struct vma_tree *t, struct vma *v);
/* v's start or end changed without passing a neighbour: fix the summaries. */
void vmatree_changed(struct vma_tree *t, struct vma *v);
/* The last area starting at or below addr, or NULL. */
struct vma *vmatree_floor(const struct vma_tree *t, uint64_t addr);
/*
 * Highest a >= low with [a, a+len) inside [low, top) and touching no area,
 * or 0 if there is none (low must be nonzero).
 */
uint64_t vmatree_find_gap(const struct vma_tree *t, uint64_t len, uint64_t low, uint64_t top);

#endif
