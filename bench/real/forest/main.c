/*
 * A model's life: gradient-boosted trees trained on a synthetic regression
 * set, then used to score a held-out set many times over, with both tree
 * evaluators (picked through a table), which must agree.
 * usage: forest [SCORING_ROUNDS [TREES]]   (defaults 200 and 60)
 */
#include <stdio.h>
#include <stdlib.h>

#include "forest.h"

static const int train_size = 20000, test_size = 5000, depth = 5;
static const struct {
	const char *name;
	tree_eval_fn eval;
} evaluators[] = {{"walk", tree_eval_walk}, {"branchless", tree_eval_branchless}};

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 200;
	int ntrees = argc > 2 ? atoi(argv[2]) : 60;
	if (rounds < 0 || ntrees < 1) {
		fprintf(stderr, "usage: forest [SCORING_ROUNDS [TREES]]\n");
		return 2;
	}
	struct dataset tr, te;
	struct model m;
	make_dataset(&tr, train_size, 42);
	make_dataset(&te, test_size, 4242);
	train(&m, &tr, ntrees, depth);
	int32_t *out = malloc((size_t)te.n * sizeof *out);
	int64_t sq[2] = {0, 0};
	uint32_t digest = 0;
	for (long r = 0; r < rounds; r++) {
		int e = (int)(r & 1);
		sq[e] = predict_all(&m, &te, evaluators[e].eval, out);
		digest = digest * 31 + (uint32_t)out[r % te.n];
	}
	int nodes = 0;
	for (int t = 0; t < m.ntrees; t++)
		nodes += m.trees[t].count;
	printf("forest: %d trees, %d nodes, base %d\n", m.ntrees, nodes, m.base);
	for (int e = 0; e < 2; e++)
		printf("  %-10s test mean squared error %lld\n", evaluators[e].name,
		       (long long)(sq[e] / te.n));
	printf("  digest %08x\n", digest);
	free(out);
	model_free(&m);
	dataset_free(&tr);
	dataset_free(&te);
	return rounds > 1 && sq[0] != sq[1];
}
