/* Building the graph: an edge list (grid streets both ways, plus express
 * links between nearby junctions), then a counting sort by source node
 * into the compressed form. */
#include <stdlib.h>

#include "graph.h"

static const uint32_t min_street = 10, street_spread = 90;
static const int express_every = 7, express_reach = 6;
static const uint32_t min_cost_per_step = 10; /* keeps the A* heuristic admissible */

static uint32_t graph_rng;
static uint32_t next_u32(void)
{
	/* xorshift32 with a different triple from the usual (5, 17, 13) */
	graph_rng ^= graph_rng << 5;
	graph_rng ^= graph_rng >> 17;
	graph_rng ^= graph_rng << 13;
	return graph_rng;
}

static int add_edge(struct edge *e, int m, int a, int b, uint32_t cost)
{
	e[m] = (struct edge){a, b, cost};
	e[m + 1] = (struct edge){b, a, cost};
	return m + 2;
}

void graph_build(struct graph *g, int width, int height, uint32_t seed)
{
	graph_rng = seed;
	g->width = width;
	g->height = height;
	g->n = width * height;
	int max_edges = 4 * g->n + 2 * (g->n / express_every + 1);
	struct edge *e = malloc((size_t)max_edges * sizeof *e);
	int m = 0;
	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++) {
			int v = y * width + x;
			if (x + 1 < width)
				m = add_edge(e, m, v, v + 1, min_street + next_u32() % street_spread);
			if (y + 1 < height)
				m = add_edge(e, m, v, v + width, min_street + next_u32() % street_spread);
			if (v % express_every == 0) {
				int dx = (int)(next_u32() % express_reach), dy = (int)(next_u32() % express_reach);
				if (x + dx < width && y + dy < height && dx + dy > 1)
					m = add_edge(e, m, v, v + dy * width + dx,
						     min_cost_per_step * (uint32_t)(dx + dy) + next_u32() % 20);
			}
		}
	g->narcs = m;
	g->first = calloc((size_t)g->n + 1, sizeof *g->first);
	g->target = malloc((size_t)m * sizeof *g->target);
	g->cost = malloc((size_t)m * sizeof *g->cost);
	for (int i = 0; i < m; i++)
		g->first[e[i].from + 1]++;
	for (int v = 0; v < g->n; v++)
		g->first[v + 1] += g->first[v];
	int *fill = malloc((size_t)g->n * sizeof *fill);
	for (int v = 0; v < g->n; v++)
		fill[v] = g->first[v];
	for (int i = 0; i < m; i++) {
		int at = fill[e[i].from]++;
		g->target[at] = e[i].to;
		g->cost[at] = e[i].cost;
	}
	free(fill);
	free(e);
}

void graph_free(struct graph *g)
{
	free(g->first);
	free(g->target);
	free(g->cost);
}
