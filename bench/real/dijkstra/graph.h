/* Shortest paths on a road-like graph: a grid of junctions with random
 * travel times and some express links, stored as compressed adjacency
 * arrays; Dijkstra and A* on an indexed binary heap. */
#include <stdint.h>

struct graph {
	int width, height, n;
	int *first;    /* n + 1 offsets into the arcs */
	int *target;
	uint32_t *cost;
	int narcs;
};

struct edge {
	int from, to;
	uint32_t cost;
};

void graph_build(struct graph *g, int width, int height, uint32_t seed);
void graph_free(struct graph *g);

struct heap {
	int *node;     /* heap order */
	int *slot;     /* node -> position in heap, or -1 */
	uint64_t *key; /* by node */
	int size;
};
void heap_init(struct heap *h, int n);
void heap_free(struct heap *h);
void heap_clear(struct heap *h);
/* Inserts node, or lowers its key if it is already in. */
void heap_push_or_decrease(struct heap *h, int node, uint64_t key);
int heap_pop(struct heap *h);

typedef uint64_t (*heuristic_fn)(const struct graph *g, int from, int to);
uint64_t no_heuristic(const struct graph *g, int from, int to);
uint64_t grid_heuristic(const struct graph *g, int from, int to);
/* Returns the distance from s to t (UINT64_MAX if unreachable) and sets
 * *settled to the number of nodes taken off the heap. */
uint64_t shortest_path(const struct graph *g, struct heap *h, uint64_t *dist, int s, int t,
		       heuristic_fn heuristic, long *settled);
