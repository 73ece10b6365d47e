/*
 * Choosing the next token: the most likely one at temperature 0; otherwise
 * a draw from the softmax of logits / temperature, restricted to the
 * nucleus (the fewest most likely tokens whose probabilities add up to
 * more than top-p) when 0 < top-p < 1. Draws come from splitmix64, so a
 * seed gives the same text on every machine and build.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "llm.h"

int llm_sampler_init(struct llm_sampler *sp, int vocab_size, float temperature, float topp,
		     uint64_t seed)
{
	sp->vocab_size = vocab_size;
	sp->temperature = temperature;
	sp->topp = topp;
	sp->rng = seed;
	sp->cand = malloc((size_t)vocab_size * sizeof(*sp->cand));
	if (!sp->cand) {
		fprintf(stderr, "llm: out of memory\n");
		return -1;
	}
	return 0;
}

void llm_sampler_free(struct llm_sampler *sp)
{
	free(sp->cand);
	sp->cand = NULL;
}

/* A uniform float in [0, 1) from the top 24 bits of splitmix64's next value. */
static float uniform(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (float)(z >> 40) / 16777216.0f;
}

/* The first index of the largest value. */
static int argmax(const float *v, int n)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

static int by_prob_desc(const void *a, const void *b)
{
	const struct llm_candidate *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? 1 : -1;
	return x->id - y->id;
}

/* Draw from probabilities p (summing to 1) with the coin r in [0, 1). */
static int draw(const float *p, int n, float r)
{
	float cdf = 0;
	for (int i = 0; i < n; i++) {
		cdf += p[i];
		if (r < cdf)
			return i;
	}
	return n - 1; /* rounding left the sum just under r */
}

/* Draw from the nucleus of p. Tokens below (1 - topp) / (n - 1) cannot be
 * in it (the rest would then add up to more than topp), so they are never
 * sorted. */
static int draw_topp(struct llm_sampler *sp, const float *p, int n, float r)
{
	float cutoff = (1.0f - sp->topp) / (n - 1);
	int m = 0;
	for (int i = 0; i < n; i++)
		if (p[i] >= cutoff)
			sp->cand[m++] = (struct llm_candidate){p[i], i};
	if (m == 0)
		return argmax(p, n);
	qsort(sp->cand, m, sizeof(*sp->cand), by_prob_desc);
	float total = 0;
	int last = m - 1;
	for (int i = 0; i < m; i++) {
		total += sp->cand[i].p;
		if (total > sp->topp) {
			last = i;
			break;
		}
	}
	float target = r * total, cdf = 0;
	for (int i = 0; i <= last; i++) {
		cdf += sp->cand[i].p;
		if (target < cdf)
			return sp->cand[i].id;
	}
	return sp->cand[last].id;
}

int llm_sample(struct llm_sampler *sp, float *logits)
{
	int n = sp->vocab_size;
	if (sp->temperature == 0.0f)
		return argmax(logits, n);
	for (int i = 0; i < n; i++)
		logits[i] /= sp->temperature;
	float max = logits[argmax(logits, n)], sum = 0;
	for (int i = 0; i < n; i++) {
		logits[i] = expf(logits[i] - max);
		sum += logits[i];
	}
	for (int i = 0; i < n; i++)
		logits[i] /= sum;
	float r = uniform(&sp->rng);
	if (sp->topp <= 0 || sp->topp >= 1 || n < 2)
		return draw(logits, n, r);
	return draw_topp(sp, logits, n, r);
}
