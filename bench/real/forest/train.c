/* Training: each tree fits the residuals of the ensemble so far (squared
 * loss, so the gradient is the residual), growing depth-first; a node's
 * best split is found from a histogram of its samples' residuals over the
 * 256 values of each feature. */
#pragma STDC FP_CONTRACT OFF
#include <stdlib.h>
#include <string.h>

#include "forest.h"

static int min_leaf = 20;
static const int32_t learning_rate_q = 300; /* out of 1024 */

struct hist {
	int64_t sum[256];
	int32_t count[256];
};

struct split {
	int feature, threshold;
	double gain;
};

static void build_hist(struct hist *h, const struct dataset *d, const int32_t *resid,
		       const int *idx, int n, int f)
{
	memset(h, 0, sizeof *h);
	for (int i = 0; i < n; i++) {
		uint8_t v = d->x[idx[i]][f];
		h->sum[v] += resid[idx[i]];
		h->count[v]++;
	}
}

static double score(int64_t sum, int64_t count)
{
	return count ? (double)sum * (double)sum / (double)count : 0.0;
}

static struct split best_split(const struct dataset *d, const int32_t *resid, const int *idx,
			       int n)
{
	static struct hist h;
	struct split best = {-1, 0, 0.0};
	int64_t total = 0;
	for (int i = 0; i < n; i++)
		total += resid[idx[i]];
	double parent = score(total, n);
	for (int f = 0; f < NFEATURES; f++) {
		build_hist(&h, d, resid, idx, n, f);
		int64_t left_sum = 0;
		int left_n = 0;
		for (int t = 0; t < 255; t++) {
			left_sum += h.sum[t];
			left_n += h.count[t];
			if (left_n < min_leaf)
				continue;
			if (n - left_n < min_leaf)
				break;
			double gain = score(left_sum, left_n) + score(total - left_sum, n - left_n) - parent;
			if (gain > best.gain) {
				best = (struct split){f, t, gain};
			}
		}
	}
	return best;
}

static int32_t leaf_value(const int32_t *resid, const int *idx, int n)
{
	int64_t s = 0;
	for (int i = 0; i < n; i++)
		s += resid[idx[i]];
	return (int32_t)(s / (n ? n : 1) * learning_rate_q / 1024);
}

/* Partitions idx so that the samples going left come first; returns their number. */
static int partition(const struct dataset *d, int *idx, int n, int f, int t)
{
	int i = 0, j = n - 1;
	while (i <= j) {
		if (d->x[idx[i]][f] <= t) {
			i++;
		} else {
			int s = idx[i];
			idx[i] = idx[j];
			idx[j--] = s;
		}
	}
	return i;
}

static int grow(struct tree *tr, const struct dataset *d, const int32_t *resid, int *idx, int n,
		int depth)
{
	int id = tr->count++;
	struct node *nd = &tr->nodes[id];
	struct split s = depth > 0 && n >= 2 * min_leaf ? best_split(d, resid, idx, n)
							: (struct split){-1, 0, 0.0};
	if (s.feature < 0) {
		*nd = (struct node){-1, 0, -1, -1, leaf_value(resid, idx, n)};
		return id;
	}
	int nl = partition(d, idx, n, s.feature, s.threshold);
	nd->feature = (int16_t)s.feature;
	nd->threshold = (uint8_t)s.threshold;
	nd->value = 0;
	int l = grow(tr, d, resid, idx, nl, depth - 1);
	int r = grow(tr, d, resid, idx + nl, n - nl, depth - 1);
	tr->nodes[id].left = l;
	tr->nodes[id].right = r;
	return id;
}

void train(struct model *m, const struct dataset *d, int ntrees, int depth)
{
	int32_t *resid = malloc((size_t)d->n * sizeof *resid);
	int *idx = malloc((size_t)d->n * sizeof *idx);
	int64_t mean = 0;
	for (int i = 0; i < d->n; i++)
		mean += d->y[i];
	m->base = (int32_t)(mean / d->n);
	m->ntrees = ntrees;
	m->trees = calloc((size_t)ntrees, sizeof *m->trees);
	for (int i = 0; i < d->n; i++)
		resid[i] = d->y[i] - m->base;
	for (int t = 0; t < ntrees; t++) {
		for (int i = 0; i < d->n; i++)
			idx[i] = i;
		grow(&m->trees[t], d, resid, idx, d->n, depth);
		for (int i = 0; i < d->n; i++)
			resid[i] -= tree_eval_walk(&m->trees[t], d->x[i]);
	}
	free(resid);
	free(idx);
}

void model_free(struct model *m)
{
	free(m->trees);
	m->trees = NULL;
}
