/* Dijkstra's algorithm, turned into A* by a heuristic: the heap is keyed
 * by distance plus the heuristic's estimate of what remains. */
#include <string.h>

#include "graph.h"

static const uint64_t unreached = UINT64_MAX;
static uint64_t cheapest_step = 10;

uint64_t no_heuristic(const struct graph *g, int from, int to)
{
	(void)g, (void)from, (void)to;
	return 0;
}

/* Every step costs at least cheapest_step per grid unit it moves. */
uint64_t grid_heuristic(const struct graph *g, int from, int to)
{
	int dx = from % g->width - to % g->width, dy = from / g->width - to / g->width;
	return cheapest_step * (uint64_t)((dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy));
}

uint64_t shortest_path(const struct graph *g, struct heap *h, uint64_t *dist, int s, int t,
		       heuristic_fn heuristic, long *settled)
{
	memset(dist, 0xff, (size_t)g->n * sizeof *dist);
	heap_clear(h);
	dist[s] = 0;
	heap_push_or_decrease(h, s, heuristic(g, s, t));
	*settled = 0;
	while (h->size) {
		int v = heap_pop(h);
		++*settled;
		if (v == t)
			return dist[t];
		for (int a = g->first[v]; a < g->first[v + 1]; a++) {
			int w = g->target[a];
			uint64_t d = dist[v] + g->cost[a];
			if (d < dist[w]) {
				dist[w] = d;
				heap_push_or_decrease(h, w, d + heuristic(g, w, t));
			}
		}
	}
	return unreached;
}
