/*
 * A route planner: random journeys across a grid city, each solved with
 * plain Dijkstra and with A*, which must find the same travel time while
 * settling fewer junctions.
 * usage: dijkstra [QUERIES [SIDE]]   (defaults 100 and 300)
 */
#include <stdio.h>
#include <stdlib.h>

#include "graph.h"

static const struct {
	const char *name;
	heuristic_fn h;
} planners[] = {{"dijkstra", no_heuristic}, {"a-star", grid_heuristic}};

int main(int argc, char **argv)
{
	long queries = argc > 1 ? atol(argv[1]) : 100;
	int side = argc > 2 ? atoi(argv[2]) : 300;
	if (queries < 0 || side < 2 || side > 5000) {
		fprintf(stderr, "usage: dijkstra [QUERIES [SIDE]]\n");
		return 2;
	}
	struct graph g;
	struct heap h;
	graph_build(&g, side, side, 0x5eed);
	heap_init(&h, g.n);
	uint64_t *dist = malloc((size_t)g.n * sizeof *dist);
	uint64_t total = 0;
	long settled[2] = {0, 0}, mismatches = 0;
	unsigned q_rng = 1;
	for (long q = 0; q < queries; q++) {
		q_rng = q_rng * 69069u + 1u;
		int s = (int)((q_rng >> 8) % (unsigned)g.n);
		q_rng = q_rng * 69069u + 1u;
		int t = (int)((q_rng >> 8) % (unsigned)g.n);
		uint64_t d[2];
		for (int p = 0; p < 2; p++) {
			long k;
			d[p] = shortest_path(&g, &h, dist, s, t, planners[p].h, &k);
			settled[p] += k;
		}
		mismatches += d[0] != d[1];
		total += d[0];
	}
	printf("dijkstra: %dx%d junctions, %d arcs, %ld journeys, total time %llu, %ld mismatches\n",
	       side, side, g.narcs, queries, (unsigned long long)total, mismatches);
	for (int p = 0; p < 2; p++)
		printf("  %-8s settled %ld junctions\n", planners[p].name, settled[p]);
	free(dist);
	heap_free(&h);
	graph_free(&g);
	return mismatches != 0;
}
