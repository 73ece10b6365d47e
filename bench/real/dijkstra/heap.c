/* An indexed binary min-heap: each node's position is tracked so that its
 * key can be lowered in place. Ties are broken by node number, so the
 * order of removal is fully determined. */
#include <stdlib.h>

#include "graph.h"

void heap_init(struct heap *h, int n)
{
	h->node = malloc((size_t)n * sizeof *h->node);
	h->slot = malloc((size_t)n * sizeof *h->slot);
	h->key = malloc((size_t)n * sizeof *h->key);
	for (int i = 0; i < n; i++)
		h->slot[i] = -1;
	h->size = 0;
}

void heap_free(struct heap *h)
{
	free(h->node);
	free(h->slot);
	free(h->key);
}

void heap_clear(struct heap *h)
{
	for (int i = 0; i < h->size; i++)
		h->slot[h->node[i]] = -1;
	h->size = 0;
}

static int less(const struct heap *h, int a, int b)
{
	return h->key[a] < h->key[b] || (h->key[a] == h->key[b] && a < b);
}

static void place(struct heap *h, int pos, int node)
{
	h->node[pos] = node;
	h->slot[node] = pos;
}

static void sift_up(struct heap *h, int pos)
{
	int node = h->node[pos];
	while (pos > 0) {
		int parent = (pos - 1) / 2;
		if (!less(h, node, h->node[parent]))
			break;
		place(h, pos, h->node[parent]);
		pos = parent;
	}
	place(h, pos, node);
}

static void sift_down(struct heap *h, int pos)
{
	int node = h->node[pos];
	for (;;) {
		int child = 2 * pos + 1;
		if (child >= h->size)
			break;
		if (child + 1 < h->size && less(h, h->node[child + 1], h->node[child]))
			child++;
		if (!less(h, h->node[child], node))
			break;
		place(h, pos, h->node[child]);
		pos = child;
	}
	place(h, pos, node);
}

void heap_push_or_decrease(struct heap *h, int node, uint64_t key)
{
	h->key[node] = key;
	if (h->slot[node] < 0) {
		place(h, h->size++, node);
	}
	sift_up(h, h->slot[node]);
}

int heap_pop(struct heap *h)
{
	int top = h->node[0];
	h->slot[top] = -1;
	if (--h->size > 0) {
		place(h, 0, h->node[h->size]);
		sift_down(h, 0);
	}
	return top;
}
