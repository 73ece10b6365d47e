/* Host tests of the memory-area tree: random inserts, removals and resizes
 * checked after every step against a sorted array, with the AVL balance, the
 * subtree summaries and the threaded list verified, and every gap search
 * compared with a brute-force scan. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "vmatree.h"

#define PAGE 4096ull
#define SLOTS 512 /* the model's address space: SLOTS pages from PAGE up */

static struct vma nodes[SLOTS];
static struct vma *owner[SLOTS]; /* the area holding each page, or NULL */

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static uint64_t addr_of(unsigned slot) { return PAGE * (1 + slot); }

/* Checks n's subtree, returns its height; *count gets its node count. */
static int check_subtree(const struct vma *n, uint64_t lo, uint64_t hi, unsigned *count)
{
	if (!n)
		return 0;
	CHECK(n->start >= lo && n->start < hi && n->start < n->end);
	int hl = check_subtree(n->left, lo, n->start, count);
	int hr = check_subtree(n->right, n->start + 1, hi, count);
	CHECK(hl - hr <= 1 && hr - hl <= 1);
	CHECK_EQ(n->height, 1 + (hl > hr ? hl : hr));
	CHECK_EQ(n->lo, n->left ? n->left->lo : n->start);
	CHECK_EQ(n->hi, n->right ? n->right->hi : n->end);
	(*count)++;
	return n->height;
}

/* The tree, its list and its summaries agree with the page model. */
static void check_all(const struct vma_tree *t)
{
	unsigned count = 0, listed = 0;
	uint64_t biggest = 0;

	check_subtree(t->root, 0, ~0ull, &count);
	for (const struct vma *v = t->first, *p = NULL; v; p = v, v = v->next, listed++) {
		CHECK(v->prev == p);
		CHECK(!p || p->end <= v->start);
		if (p && v->start - p->end > biggest)
			biggest = v->start - p->end;
		for (uint64_t a = v->start; a < v->end; a += PAGE)
			CHECK(owner[a / PAGE - 1] == v);
	}
	CHECK_EQ(listed, count);
	CHECK_EQ(t->root ? t->root->hole : 0, biggest);
	for (unsigned i = 0; i < SLOTS; i++) {
		struct vma *f = vmatree_floor(t, addr_of(i));
		if (owner[i])
			CHECK(f == owner[i]);
		else
			CHECK(!f || f->end <= addr_of(i));
	}
}

/* The highest fitting address below top by scanning the page model. */
static uint64_t brute_gap(uint64_t len, uint64_t low, uint64_t top)
{
	if (!len || len > top || top - len < low)
		return 0;
	for (uint64_t a = top - len;; a -= PAGE) {
		bool free_run = true;
		for (uint64_t p = a; p < a + len && free_run; p += PAGE)
			free_run = p / PAGE - 1 >= SLOTS || !owner[p / PAGE - 1];
		if (free_run)
			return a;
		if (a < low + PAGE)
			return 0;
	}
}

TEST(vmatree_random_against_model)
{
	struct vma_tree t = {0};

	for (int step = 0; step < 20000; step++) {
		unsigned s = (unsigned)(next_rand() % SLOTS);
		unsigned op = (unsigned)(next_rand() % 4);
		if (op <= 1 && !owner[s]) { /* insert a free run starting at s */
			unsigned n = 1 + (unsigned)(next_rand() % 8), k = 0;
			while (k < n && s + k < SLOTS && !owner[s + k])
				k++;
			struct vma *v = &nodes[s];
			*v = (struct vma){.start = addr_of(s), .end = addr_of(s + k)};
			vmatree_insert(&t, v);
			for (unsigned i = 0; i < k; i++)
				owner[s + i] = v;
		} else if (op == 2 && owner[s]) { /* remove the area holding s */
			struct vma *v = owner[s];
			vmatree_remove(&t, v);
			for (uint64_t a = v->start; a < v->end; a += PAGE)
				owner[a / PAGE - 1] = NULL;
		} else if (op == 3 && owner[s] && owner[s]->end - owner[s]->start > PAGE) {
			struct vma *v = owner[s]; /* shrink from the end */
			v->end -= PAGE;
			owner[v->end / PAGE - 1] = NULL;
			vmatree_changed(&t, v);
		}
		if (step % 16 == 0)
			check_all(&t);
		uint64_t len = PAGE * (1 + next_rand() % 12), top = addr_of((unsigned)(next_rand() % SLOTS));
		CHECK_EQ(vmatree_find_gap(&t, len, PAGE, top), brute_gap(len, PAGE, top));
	}
	check_all(&t);
}

TEST(vmatree_gap_edges)
{
	struct vma_tree t = {0};
	struct vma a = {.start = 0x10000, .end = 0x20000}, b = {.start = 0x30000, .end = 0x40000};

	CHECK_EQ(vmatree_find_gap(&t, 0x1000, 0x1000, 0x100000), 0xff000);
	CHECK_EQ(vmatree_find_gap(&t, 0x100000, 0x1000, 0x100000), 0); /* below low */
	CHECK_EQ(vmatree_find_gap(&t, 0, 0x1000, 0x100000), 0);
	vmatree_insert(&t, &b);
	vmatree_insert(&t, &a);
	CHECK(t.first == &a && a.next == &b && b.prev == &a);
	CHECK_EQ(vmatree_find_gap(&t, 0x1000, 0x1000, 0x40000), 0x2f000);
	CHECK_EQ(vmatree_find_gap(&t, 0x10000, 0x1000, 0x40000), 0x20000);
	CHECK_EQ(vmatree_find_gap(&t, 0x11000, 0x1000, 0x40000), 0);
	CHECK_EQ(vmatree_find_gap(&t, 0xf000, 0x1000, 0x38000), 0x21000); /* top inside b */
	CHECK_EQ(vmatree_find_gap(&t, 0xf000, 0x1000, 0x48000), 0x21000);
	CHECK_EQ(vmatree_find_gap(&t, 0x8000, 0x1000, 0x48000), 0x40000);
	CHECK(vmatree_floor(&t, 0xffff) == NULL);
	CHECK(vmatree_floor(&t, 0x2ffff) == &a);
	vmatree_remove(&t, &a);
	CHECK(t.first == &b && !b.prev);
	CHECK_EQ(vmatree_find_gap(&t, 0x2f000, 0x1000, 0x38000), 0x1000);
	CHECK_EQ(vmatree_find_gap(&t, 0x30000, 0x1000, 0x38000), 0);
}
