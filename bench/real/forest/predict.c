/* Inference: a tree walked with branches, or with the child picked by
 * arithmetic (the compare feeding an index), as fast scorers do. */
#include "forest.h"

int32_t tree_eval_walk(const struct tree *t, const uint8_t *x)
{
	const struct node *n = &t->nodes[0];
	while (n->feature >= 0)
		n = &t->nodes[x[n->feature] <= n->threshold ? n->left : n->right];
	return n->value;
}

int32_t tree_eval_branchless(const struct tree *t, const uint8_t *x)
{
	int i = 0;
	while (t->nodes[i].feature >= 0) {
		const struct node *n = &t->nodes[i];
		int go_right = x[n->feature] > n->threshold;
		i = go_right * n->right + (1 - go_right) * n->left;
	}
	return t->nodes[i].value;
}

int64_t predict_all(const struct model *m, const struct dataset *d, tree_eval_fn eval,
		    int32_t *out)
{
	int64_t sq = 0;
	for (int i = 0; i < d->n; i++) {
		int32_t p = m->base;
		for (int t = 0; t < m->ntrees; t++)
			p += eval(&m->trees[t], d->x[i]);
		out[i] = p;
		int64_t e = p - d->y[i];
		sq += e * e;
	}
	return sq;
}
