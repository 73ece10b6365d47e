/* The balanced tree of memory areas (AVL, augmented with hole sizes). */
#include "vmatree.h"

#include <stddef.h>

static int height(const struct vma *v) { return v ? v->height : 0; }

static uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* Recompute v's summaries from its children's. The holes next to v are
 * measured against the children's outer ends: areas never overlap, so the
 * subtree's neighbour of v is the left child's last area or the right
 * child's first. */
static void pull(struct vma *v)
{
	const struct vma *l = v->left, *r = v->right;

	v->height = 1 + (height(l) > height(r) ? height(l) : height(r));
	v->lo = l ? l->lo : v->start;
	v->hi = r ? r->hi : v->end;
	v->hole = 0;
	if (l)
		v->hole = max64(l->hole, v->start - l->hi);
	if (r)
		v->hole = max64(v->hole, max64(r->hole, r->lo - v->end));
}

static struct vma *rotate_right(struct vma *v)
{
	struct vma *l = v->left;

	v->left = l->right;
	l->right = v;
	pull(v);
	pull(l);
	return l;
}

static struct vma *rotate_left(struct vma *v)
{
	struct vma *r = v->right;

	v->right = r->left;
	r->left = v;
	pull(v);
	pull(r);
	return r;
}

static struct vma *balance(struct vma *v)
{
	pull(v);
	int bf = height(v->left) - height(v->right);
	if (bf > 1) {
		if (height(v->left->left) < height(v->left->right))
			v->left = rotate_left(v->left);
		return rotate_right(v);
	}
	if (bf < -1) {
		if (height(v->right->right) < height(v->right->left))
			v->right = rotate_right(v->right);
		return rotate_left(v);
	}
	return v;
}

static struct vma *insert_at(struct vma *n, struct vma *x)
{
	if (!n)
		return x;
	if (x->start < n->start)
		n->left = insert_at(n->left, x);
	else
		n->right = insert_at(n->right, x);
	return balance(n);
}

void vmatree_insert(struct vma_tree *t, struct vma *v)
{
	struct vma *p = vmatree_floor(t, v->start);

	v->left = v->right = NULL;
	pull(v);
	t->root = insert_at(t->root, v);
	v->prev = p;
	v->next = p ? p->next : t->first;
	if (v->next)
		v->next->prev = v;
	if (p)
		p->next = v;
	else
		t->first = v;
}

static struct vma *remove_min(struct vma *n, struct vma **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = remove_min(n->left, min);
	return balance(n);
}

static struct vma *remove_at(struct vma *n, struct vma *x)
{
	if (n == x) {
		struct vma *m;
		if (!n->left || !n->right)
			return n->left ? n->left : n->right;
		struct vma *r = remove_min(n->right, &m);
		m->left = n->left;
		m->right = r;
		return balance(m);
	}
	if (x->start < n->start)
		n->left = remove_at(n->left, x);
	else
		n->right = remove_at(n->right, x);
	return balance(n);
}

void vmatree_remove(struct vma_tree *t, struct vma *v)
{
	t->root = remove_at(t->root, v);
	if (v->prev)
		v->prev->next = v->next;
	else
		t->first = v->next;
	if (v->next)
		v->next->prev = v->prev;
	v->prev = v->next = v->left = v->right = NULL;
}

static void changed_at(struct vma *n, struct vma *x)
{
	if (n != x)
		changed_at(x->start < n->start ? n->left : n->right, x);
	pull(n);
}

void vmatree_changed(struct vma_tree *t, struct vma *v) { changed_at(t->root, v); }

struct vma *vmatree_floor(const struct vma_tree *t, uint64_t addr)
{
	struct vma *best = NULL;

	for (struct vma *n = t->root; n;) {
		if (n->start <= addr) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

/* The start of the highest area Y of n's subtree with Y->start <= bound
 * whose predecessor, also in the subtree, ends len or more below it; 0 if
 * none. Subtrees whose largest hole is too small, or that start above
 * bound, are skipped whole: the search follows O(log n) paths. */
static uint64_t highest_hole(const struct vma *n, uint64_t bound, uint64_t len)
{
	if (!n || n->hole < len || n->lo > bound)
		return 0;
	uint64_t y = highest_hole(n->right, bound, len);
	if (y)
		return y;
	if (n->right && n->right->lo <= bound && n->right->lo - n->end >= len)
		return n->right->lo;
	if (n->left && n->start <= bound && n->start - n->left->hi >= len)
		return n->start;
	return highest_hole(n->left, bound, len);
}

uint64_t vmatree_find_gap(const struct vma_tree *t, uint64_t len, uint64_t low, uint64_t top)
{
	if (!len || len > top || top - len < low)
		return 0;
	const struct vma *p = vmatree_floor(t, top - 1);
	if (!p || p->end <= top - len)
		return top - len; /* room right below top */
	uint64_t y = highest_hole(t->root, p->start, len);
	if (y)
		return y - len >= low ? y - len : 0;
	/* Only the space below the lowest area is left. */
	return t->first->start >= low + len ? t->first->start - len : 0;
}
