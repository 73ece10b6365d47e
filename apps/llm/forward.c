/*
 * The network: one token's forward pass through a Llama-architecture
 * transformer (RMSNorm, rotary position embeddings on adjacent pairs,
 * causal multi-head attention whose key/value heads may be shared by
 * several query heads, a key/value cache, a SwiGLU feed-forward layer and
 * the classifier). The kernels take the model's sizes as arguments, so that
 * a JIT that sees them constant can specialize each one on them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm.h"

/* out = x normalized by its root mean square, times the weights. */
static void rmsnorm(float *out, const float *x, const float *w, int n)
{
	float ss = 0;
	for (int i = 0; i < n; i++)
		ss += x[i] * x[i];
	float scale = 1.0f / sqrtf(ss / n + 1e-5f);
	for (int i = 0; i < n; i++)
		out[i] = w[i] * (scale * x[i]);
}

/* Eight floats as one value (clang's vector extension: SSE, AVX or
 * AVX-512 registers, whichever the target has), read from any address. */
typedef float f32x8 __attribute__((vector_size(32), aligned(4)));

/* The sum of a + b's lanes (pointers: a vector argument's ABI would
 * depend on the target's vector registers). */
static float lanes_sum(const f32x8 *a, const f32x8 *b)
{
	f32x8 v = *a + *b;
	return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

/* out[i] = sum over j of w[i * n + j] * x[j], for i < d (w is d x n). Two
 * rows at a time, each in two running sums of eight lanes: the rows share
 * the loads of x, and the four sums are independent chains of
 * multiply-adds (a plain loop would be one chain, since without fast-math
 * the compiler may not reorder the additions). On the stories110M shape
 * this took 0.80 of the CPU time of one row in four sums. */
static void matmul(float *out, const float *x, const float *w, int n, int d)
{
	int i = 0;
	for (; i + 2 <= d; i += 2) {
		const float *r0 = w + (size_t)i * n, *r1 = r0 + n;
		f32x8 a0 = {0}, a1 = {0}, b0 = {0}, b1 = {0};
		int j = 0;
		for (; j + 16 <= n; j += 16) {
			f32x8 x0 = *(const f32x8 *)(x + j), x1 = *(const f32x8 *)(x + j + 8);
			a0 += *(const f32x8 *)(r0 + j) * x0;
			a1 += *(const f32x8 *)(r0 + j + 8) * x1;
			b0 += *(const f32x8 *)(r1 + j) * x0;
			b1 += *(const f32x8 *)(r1 + j + 8) * x1;
		}
		float s0 = lanes_sum(&a0, &a1), s1 = lanes_sum(&b0, &b1);
		for (; j < n; j++) {
			s0 += r0[j] * x[j];
			s1 += r1[j] * x[j];
		}
		out[i] = s0;
		out[i + 1] = s1;
	}
	if (i < d) { /* an odd last row */
		const float *r = w + (size_t)i * n;
		float s = 0;
		for (int j = 0; j < n; j++)
			s += r[j] * x[j];
		out[i] = s;
	}
}

/* x (n values) as int8 groups of `group`, each with the scale that maps its
 * largest magnitude to 127. */
static void quantize(int8_t *q, float *s, const float *x, int n, int group)
{
	for (int g = 0; g < n / group; g++) {
		const float *v = x + g * group;
		float max = 0;
		for (int k = 0; k < group; k++)
			max = fmaxf(max, fabsf(v[k]));
		float scale = max / 127.0f;
		float inv = scale > 0 ? 1.0f / scale : 0;
		for (int k = 0; k < group; k++)
			q[g * group + k] = (int8_t)roundf(v[k] * inv);
		s[g] = scale;
	}
}

/* matmul over int8 groups: exact integer sums within a group, scaled by
 * both groups' scales (n is a multiple of group). */
static void matmul_q8(float *out, const int8_t *xq, const float *xs, const int8_t *wq, const float *ws,
	       int n, int d, int group)
{
	for (int i = 0; i < d; i++) {
		const int8_t *row = wq + (size_t)i * n;
		const float *rs = ws + (size_t)i * (n / group);
		float sum = 0;
		for (int g = 0; g < n / group; g++) {
			int32_t acc = 0;
			for (int k = 0; k < group; k++)
				acc += (int32_t)row[g * group + k] * xq[g * group + k];
			sum += (float)acc * rs[g] * xs[g];
		}
		out[i] = sum;
	}
}

/* out = w x with the model's weight format; x has n values. */
static void mat_vec(const struct llm_model *m, struct llm_state *s, float *out, const float *x,
		    const struct llm_mat *w, int n, int d)
{
	if (!m->group) {
		matmul(out, x, w->f, n, d);
		return;
	}
	quantize(s->xq, s->xs, x, n, m->group);
	matmul_q8(out, s->xq, s->xs, w->q, w->s, n, d, m->group);
}

/* x = softmax(x) over its n values. */
static void softmax(float *x, int n)
{
	float max = x[0];
	for (int i = 1; i < n; i++)
		max = fmaxf(max, x[i]);
	float sum = 0;
	for (int i = 0; i < n; i++) {
		x[i] = expf(x[i] - max);
		sum += x[i];
	}
	for (int i = 0; i < n; i++)
		x[i] /= sum;
}

/* Rotate each adjacent pair (v[2i], v[2i+1]) of every head of v (n values)
 * by this position's angle for pair i of a head. */
static void rope(float *v, const float *cos_t, const float *sin_t, int n, int head_size)
{
	for (int h = 0; h < n; h += head_size)
		for (int i = 0; i < head_size / 2; i++) {
			float a = v[h + 2 * i], b = v[h + 2 * i + 1];
			v[h + 2 * i] = a * cos_t[i] - b * sin_t[i];
			v[h + 2 * i + 1] = a * sin_t[i] + b * cos_t[i];
		}
}

/* One head's attention at position pos: its query against the cached keys
 * 0..pos, softmax, the weighted sum of the cached values into out. Keys and
 * values of one position are `stride` floats apart. */
static void attend(float *out, float *att, const float *q, const float *keys, const float *values,
	    int pos, int head_size, int stride)
{
	float scale = 1.0f / sqrtf((float)head_size);
	for (int t = 0; t <= pos; t++) {
		const float *k = keys + (size_t)t * stride;
		float score = 0;
		for (int i = 0; i < head_size; i++)
			score += q[i] * k[i];
		att[t] = score * scale;
	}
	softmax(att, pos + 1);
	memset(out, 0, head_size * sizeof(float));
	for (int t = 0; t <= pos; t++) {
		const float *v = values + (size_t)t * stride;
		for (int i = 0; i < head_size; i++)
			out[i] += att[t] * v[i];
	}
}

/* hb = silu(hb) * hb2, elementwise. */
static void swiglu(float *hb, const float *hb2, int n)
{
	for (int i = 0; i < n; i++) {
		float v = hb[i];
		hb[i] = v / (1.0f + expf(-v)) * hb2[i];
	}
}

/* The row of the token embedding table for `token`, in fp32. */
static void embed(const struct llm_model *m, float *x, int token)
{
	int dim = m->c.dim;
	if (!m->group) {
		memcpy(x, m->tok_emb.f + (size_t)token * dim, dim * sizeof(float));
		return;
	}
	const int8_t *q = m->tok_emb.q + (size_t)token * dim;
	const float *s = m->tok_emb.s + (size_t)token * (dim / m->group);
	for (int i = 0; i < dim; i++)
		x[i] = q[i] * s[i / m->group];
}

float *llm_forward(const struct llm_model *m, struct llm_state *s, int token, int pos)
{
	const struct llm_config *c = &m->c;
	int dim = c->dim, hid = c->hidden_dim, head_size = dim / c->n_heads;
	int kv_dim = head_size * c->n_kv_heads, group = c->n_heads / c->n_kv_heads;
	float *x = s->x;

	embed(m, x, token);
	for (int i = 0; i < head_size / 2; i++) {
		float angle = pos * s->rope_freq[i];
		s->rope_cos[i] = cosf(angle);
		s->rope_sin[i] = sinf(angle);
	}
	for (int l = 0; l < c->n_layers; l++) {
		const struct llm_layer *y = &m->layers[l];
		size_t base = (size_t)l * c->seq_len * kv_dim;
		float *k = s->key_cache + base + (size_t)pos * kv_dim;
		float *v = s->value_cache + base + (size_t)pos * kv_dim;

		/* attention: this position's key and value go to the cache */
		rmsnorm(s->xb, x, y->rms_att, dim);
		mat_vec(m, s, s->q, s->xb, &y->wq, dim, dim);
		mat_vec(m, s, k, s->xb, &y->wk, dim, kv_dim);
		mat_vec(m, s, v, s->xb, &y->wv, dim, kv_dim);
		rope(s->q, s->rope_cos, s->rope_sin, dim, head_size);
		rope(k, s->rope_cos, s->rope_sin, kv_dim, head_size);
		for (int h = 0; h < c->n_heads; h++) {
			size_t kv = base + (size_t)(h / group) * head_size;
			attend(s->xb + h * head_size, s->att + (size_t)h * c->seq_len,
			       s->q + h * head_size, s->key_cache + kv, s->value_cache + kv, pos,
			       head_size, kv_dim);
		}
		mat_vec(m, s, s->xb2, s->xb, &y->wo, dim, dim);
		for (int i = 0; i < dim; i++)
			x[i] += s->xb2[i];

		/* feed-forward: w2(silu(w1 x) * w3 x) */
		rmsnorm(s->xb, x, y->rms_ffn, dim);
		mat_vec(m, s, s->hb, s->xb, &y->w1, dim, hid);
		mat_vec(m, s, s->hb2, s->xb, &y->w3, dim, hid);
		swiglu(s->hb, s->hb2, hid);
		mat_vec(m, s, s->xb2, s->hb, &y->w2, hid, dim);
		for (int i = 0; i < dim; i++)
			x[i] += s->xb2[i];
	}
	rmsnorm(x, x, m->rms_final, dim);
	mat_vec(m, s, s->logits, x, &m->wcls, dim, c->vocab_size);
	return s->logits;
}

int llm_state_init(struct llm_state *s, const struct llm_model *m)
{
	const struct llm_config *c = &m->c;
	int head_size = c->dim / c->n_heads;
	size_t kv_dim = (size_t)head_size * c->n_kv_heads;
	size_t cache = (size_t)c->n_layers * c->seq_len * kv_dim;
	size_t wide = c->hidden_dim > c->dim ? c->hidden_dim : c->dim;
	memset(s, 0, sizeof(*s));
	s->x = calloc(c->dim, sizeof(float));
	s->xb = calloc(c->dim, sizeof(float));
	s->xb2 = calloc(c->dim, sizeof(float));
	s->hb = calloc(c->hidden_dim, sizeof(float));
	s->hb2 = calloc(c->hidden_dim, sizeof(float));
	s->q = calloc(c->dim, sizeof(float));
	s->att = calloc((size_t)c->n_heads * c->seq_len, sizeof(float));
	s->logits = calloc(c->vocab_size, sizeof(float));
	s->key_cache = calloc(cache, sizeof(float));
	s->value_cache = calloc(cache, sizeof(float));
	s->rope_freq = calloc(head_size / 2, sizeof(float));
	s->rope_cos = calloc(head_size / 2, sizeof(float));
	s->rope_sin = calloc(head_size / 2, sizeof(float));
	s->xq = calloc(wide, 1);
	s->xs = calloc(wide, sizeof(float));
	if (!s->x || !s->xb || !s->xb2 || !s->hb || !s->hb2 || !s->q || !s->att || !s->logits ||
	    !s->key_cache || !s->value_cache || !s->rope_freq || !s->rope_cos || !s->rope_sin ||
	    !s->xq || !s->xs) {
		fprintf(stderr, "llm: out of memory for the activations and a %zu MiB key/value cache\n",
			cache * 2 * sizeof(float) >> 20);
		llm_state_free(s);
		return -1;
	}
	/* pair i of a head turns by pos / 10000^(2i / head_size) */
	for (int i = 0; i < head_size / 2; i++)
		s->rope_freq[i] = 1.0f / powf(10000.0f, (float)(2 * i) / (float)head_size);
	return 0;
}

void llm_state_free(struct llm_state *s)
{
	float *f[] = {s->x,	    s->xb,	    s->xb2,	  s->hb,       s->hb2,
		      s->q,	    s->att,	    s->logits,	  s->key_cache, s->value_cache,
		      s->rope_freq, s->rope_cos, s->rope_sin, s->xs};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		free(f[i]);
	free(s->xq);
	memset(s, 0, sizeof(*s));
}
