/* The forward pass of one token through the blocks. */
#include <math.h>
#include <string.h>

#include "model.h"

static const float init_scale = 0.08f;

static unsigned weight_seed;
static float weight(void)
{
	weight_seed = weight_seed * 1664525u + 1013904223u;
	return ((float)(weight_seed >> 9) / 8388608.0f - 0.5f) * 2.0f * init_scale;
}

static void fill(float *p, long n)
{
	for (long i = 0; i < n; i++)
		p[i] = weight();
}

void model_init(struct model *m, unsigned seed)
{
	weight_seed = seed;
	fill(&m->embed[0][0], (long)VOCAB * DIM);
	fill(&m->pos[0][0], (long)MAX_SEQ * DIM);
	for (int l = 0; l < LAYERS; l++) {
		struct layer *ly = &m->layers[l];
		for (int i = 0; i < DIM; i++)
			ly->norm1[i] = ly->norm2[i] = 1.0f;
		fill(&ly->wq[0][0], DIM * DIM);
		fill(&ly->wk[0][0], DIM * DIM);
		fill(&ly->wv[0][0], DIM * DIM);
		fill(&ly->wo[0][0], DIM * DIM);
		fill(&ly->w1[0][0], (long)HIDDEN * DIM);
		fill(&ly->w2[0][0], (long)DIM * HIDDEN);
	}
	for (int i = 0; i < DIM; i++)
		m->final_norm[i] = 1.0f;
}

static void attention(struct model *m, int l, const float *x, int pos, float *out)
{
	const struct layer *ly = &m->layers[l];
	float q[DIM], att[MAX_SEQ], mixed[DIM];
	matvec(&ly->wq[0][0], x, q, DIM, DIM);
	matvec(&ly->wk[0][0], x, m->keys[l][pos], DIM, DIM);
	matvec(&ly->wv[0][0], x, m->values[l][pos], DIM, DIM);
	const float scale = 1.0f / sqrtf((float)HEAD_DIM);
	for (int h = 0; h < HEADS; h++) {
		const float *qh = q + h * HEAD_DIM;
		for (int t = 0; t <= pos; t++) {
			const float *k = m->keys[l][t] + h * HEAD_DIM;
			float s = 0.0f;
			for (int i = 0; i < HEAD_DIM; i++)
				s += qh[i] * k[i];
			att[t] = s * scale;
		}
		softmax(att, pos + 1);
		float *mh = mixed + h * HEAD_DIM;
		memset(mh, 0, HEAD_DIM * sizeof *mh);
		for (int t = 0; t <= pos; t++) {
			const float *v = m->values[l][t] + h * HEAD_DIM;
			for (int i = 0; i < HEAD_DIM; i++)
				mh[i] += att[t] * v[i];
		}
	}
	matvec(&ly->wo[0][0], mixed, out, DIM, DIM);
}

static void mlp(const struct layer *ly, const float *x, float *out)
{
	float hidden[HIDDEN];
	matvec(&ly->w1[0][0], x, hidden, HIDDEN, DIM);
	for (int i = 0; i < HIDDEN; i++)
		hidden[i] = gelu(hidden[i]);
	matvec(&ly->w2[0][0], hidden, out, DIM, HIDDEN);
}

void model_forward(struct model *m, int token, int pos, float logits[VOCAB])
{
	float x[DIM], normed[DIM], delta[DIM];
	for (int i = 0; i < DIM; i++)
		x[i] = m->embed[token][i] + m->pos[pos][i];
	for (int l = 0; l < LAYERS; l++) {
		rms_norm(x, m->layers[l].norm1, normed, DIM);
		attention(m, l, normed, pos, delta);
		for (int i = 0; i < DIM; i++)
			x[i] += delta[i];
		rms_norm(x, m->layers[l].norm2, normed, DIM);
		mlp(&m->layers[l], normed, delta);
		for (int i = 0; i < DIM; i++)
			x[i] += delta[i];
	}
	rms_norm(x, m->final_norm, normed, DIM);
	matvec(&m->embed[0][0], normed, logits, VOCAB, DIM);
}
