/*
 * Checkpoint loading: the file is mapped read-only and the weights are used
 * where they lie. Three layouts are read:
 *   - llama2.c's original one: 7 ints (dim, hidden_dim, n_layers, n_heads,
 *     n_kv_heads, vocab_size, seq_len; a negative vocab_size means the
 *     classifier has weights of its own), then fp32 weights: token
 *     embeddings, per-layer attention norms, wq, wk, wv, wo, feed-forward
 *     norms, w1, w2, w3 (each for all layers in turn), the final norm, two
 *     unused rotary tables (seq_len x head_size/2 each), and the classifier
 *     if unshared;
 *   - the versioned files, a 256-byte header: uint32 magic "ak42"
 *     (0x616b3432), int version, the 7 ints, a byte "classifier shared",
 *     and for version 2 an int group size. Version 1 holds fp32 weights:
 *     the norms (attention, feed-forward, final), then the embeddings and
 *     the matrices in the order above, then the classifier if unshared.
 *     Version 2 keeps the norms in fp32 and stores every matrix (embeddings,
 *     wq.. w3 layer by layer, the classifier if unshared) as int8 values
 *     followed by one fp32 scale per group.
 * Anything that does not fit its header exactly is refused, as is a weight
 * that is not a finite number.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llm.h"

#define MAGIC 0x616b3432u
#define VHEADER 256

/* A reader over the mapped file: `off` advances as tensors are claimed;
 * `over` records a claim past the end (the file is then too short). */
struct cursor {
	const char *base;
	uint64_t off, size;
	int over;
};

static const void *take(struct cursor *c, uint64_t bytes)
{
	const void *p = c->base + c->off;
	if (c->over || bytes > c->size - c->off) {
		c->over = 1;
		return NULL;
	}
	c->off += bytes;
	return p;
}

static const float *take_f32(struct cursor *c, uint64_t count)
{
	return take(c, count * 4);
}

/* An int8 matrix of `count` values and its count/group scales. */
static struct llm_mat take_q8(struct cursor *c, uint64_t count, int group)
{
	struct llm_mat m = {0};
	m.q = take(c, count);
	m.s = take_f32(c, count / group);
	return m;
}

/* The sizes must describe a network this program can run, and one whose
 * byte counts fit in 64 bits with room to spare. */
static int check_config(const char *path, const struct llm_config *c)
{
	const char *why = NULL;
	if (c->dim <= 0 || c->dim > 65536)
		why = "dim";
	else if (c->hidden_dim <= 0 || c->hidden_dim > (1 << 20))
		why = "hidden_dim";
	else if (c->n_layers <= 0 || c->n_layers > 4096)
		why = "n_layers";
	else if (c->n_heads <= 0 || c->dim % c->n_heads || (c->dim / c->n_heads) % 2)
		why = "n_heads (must divide dim into heads of an even size)";
	else if (c->n_kv_heads <= 0 || c->n_kv_heads > c->n_heads || c->n_heads % c->n_kv_heads)
		why = "n_kv_heads (must divide n_heads)";
	else if (c->vocab_size <= LLM_EOS || c->vocab_size > (1 << 24))
		why = "vocab_size";
	else if (c->seq_len <= 0 || c->seq_len > (1 << 20))
		why = "seq_len";
	if (!why)
		return 0;
	fprintf(stderr,
		"llm: %s: not a model this program can read: bad %s in the header "
		"(dim %d, hidden_dim %d, n_layers %d, n_heads %d, n_kv_heads %d, vocab_size %d, "
		"seq_len %d)\n",
		path, why, c->dim, c->hidden_dim, c->n_layers, c->n_heads, c->n_kv_heads, c->vocab_size,
		c->seq_len);
	return -1;
}

/* 1 if the 32-bit pattern is an infinity or a NaN; a bit test, which no
 * fast-math build can fold away. */
static int nonfinite(const float *v, uint64_t n)
{
	const uint32_t *u = (const uint32_t *)v;
	for (uint64_t i = 0; i < n; i++)
		if ((u[i] & 0x7f800000u) == 0x7f800000u)
			return 1;
	return 0;
}

/* The fp32 tensors after the header (the original layout, or version 1). */
static void layout_fp32(struct llm_model *m, struct cursor *cur, int versioned, int shared)
{
	const struct llm_config *c = &m->c;
	uint64_t L = c->n_layers, dim = c->dim, hid = c->hidden_dim;
	uint64_t kv_dim = dim / c->n_heads * c->n_kv_heads, head = dim / c->n_heads;
	const float *att = NULL, *ffn = NULL;
	if (versioned) {
		att = take_f32(cur, L * dim);
		ffn = take_f32(cur, L * dim);
		m->rms_final = take_f32(cur, dim);
	}
	m->tok_emb.f = take_f32(cur, (uint64_t)c->vocab_size * dim);
	if (!versioned)
		att = take_f32(cur, L * dim);
	const float *wq = take_f32(cur, L * dim * dim);
	const float *wk = take_f32(cur, L * kv_dim * dim);
	const float *wv = take_f32(cur, L * kv_dim * dim);
	const float *wo = take_f32(cur, L * dim * dim);
	if (!versioned)
		ffn = take_f32(cur, L * dim);
	const float *w1 = take_f32(cur, L * hid * dim);
	const float *w2 = take_f32(cur, L * dim * hid);
	const float *w3 = take_f32(cur, L * hid * dim);
	if (!versioned) {
		m->rms_final = take_f32(cur, dim);
		take_f32(cur, (uint64_t)c->seq_len * head); /* rotary tables, both halves */
	}
	m->wcls.f = shared ? m->tok_emb.f : take_f32(cur, (uint64_t)c->vocab_size * dim);
	if (cur->over)
		return;
	for (uint64_t l = 0; l < L; l++) {
		struct llm_layer *y = &m->layers[l];
		y->rms_att = att + l * dim;
		y->rms_ffn = ffn + l * dim;
		y->wq.f = wq + l * dim * dim;
		y->wk.f = wk + l * kv_dim * dim;
		y->wv.f = wv + l * kv_dim * dim;
		y->wo.f = wo + l * dim * dim;
		y->w1.f = w1 + l * hid * dim;
		y->w2.f = w2 + l * dim * hid;
		y->w3.f = w3 + l * hid * dim;
	}
}

/* The int8 tensors of version 2. */
static void layout_q8(struct llm_model *m, struct cursor *cur, int shared)
{
	const struct llm_config *c = &m->c;
	uint64_t L = c->n_layers, dim = c->dim, hid = c->hidden_dim;
	uint64_t kv_dim = dim / c->n_heads * c->n_kv_heads;
	int g = m->group;
	const float *att = take_f32(cur, L * dim);
	const float *ffn = take_f32(cur, L * dim);
	m->rms_final = take_f32(cur, dim);
	m->tok_emb = take_q8(cur, (uint64_t)c->vocab_size * dim, g);
	for (uint64_t l = 0; l < L; l++) {
		m->layers[l].rms_att = att ? att + l * dim : NULL;
		m->layers[l].rms_ffn = ffn ? ffn + l * dim : NULL;
	}
	/* Each matrix for every layer in turn: wq, wk, wv, wo, w1, w2, w3. */
	const struct {
		size_t at;
		uint64_t count;
	} mats[] = {
		{offsetof(struct llm_layer, wq), dim * dim},	{offsetof(struct llm_layer, wk), kv_dim * dim},
		{offsetof(struct llm_layer, wv), kv_dim * dim}, {offsetof(struct llm_layer, wo), dim * dim},
		{offsetof(struct llm_layer, w1), hid * dim},	{offsetof(struct llm_layer, w2), dim * hid},
		{offsetof(struct llm_layer, w3), hid * dim},
	};
	for (size_t i = 0; i < sizeof(mats) / sizeof(mats[0]); i++)
		for (uint64_t l = 0; l < L; l++) {
			struct llm_mat *w = (struct llm_mat *)((char *)&m->layers[l] + mats[i].at);
			*w = take_q8(cur, mats[i].count, g);
		}
	m->wcls = shared ? m->tok_emb : take_q8(cur, (uint64_t)c->vocab_size * dim, g);
}

/* 0 if every fp32 number the network reads is finite (the int8 values
 * always are: their group scales are checked). */
static int weights_finite(const struct llm_model *m)
{
	const struct llm_config *c = &m->c;
	uint64_t dim = c->dim, hid = c->hidden_dim, vocab = c->vocab_size;
	uint64_t kv_dim = dim / c->n_heads * c->n_kv_heads;
	uint64_t g = m->group ? (uint64_t)m->group : 1;
	const float *f;
#define MAT(mat, count) (f = m->group ? (mat).s : (mat).f, nonfinite(f, (count) / g))
	if (nonfinite(m->rms_final, dim) || MAT(m->tok_emb, vocab * dim) ||
	    MAT(m->wcls, vocab * dim))
		return -1;
	for (int l = 0; l < c->n_layers; l++) {
		const struct llm_layer *y = &m->layers[l];
		if (nonfinite(y->rms_att, dim) || nonfinite(y->rms_ffn, dim) ||
		    MAT(y->wq, dim * dim) || MAT(y->wk, kv_dim * dim) || MAT(y->wv, kv_dim * dim) ||
		    MAT(y->wo, dim * dim) || MAT(y->w1, hid * dim) || MAT(y->w2, dim * hid) ||
		    MAT(y->w3, hid * dim))
			return -1;
	}
#undef MAT
	return 0;
}

/* Map the file at `path` and point m's tensors into it. */
static int map_file(struct llm_model *m, const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "llm: cannot open checkpoint %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "llm: %s: not a regular file\n", path);
		close(fd);
		return -1;
	}
	if (st.st_size < 28) {
		fprintf(stderr, "llm: %s: too short for a checkpoint header (%lld bytes)\n", path,
			(long long)st.st_size);
		close(fd);
		return -1;
	}
	m->map_size = (size_t)st.st_size;
	m->map = mmap(NULL, m->map_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m->map == MAP_FAILED) {
		fprintf(stderr, "llm: cannot map %s: %s\n", path, strerror(errno));
		m->map = NULL;
		return -1;
	}
	return 0;
}

int llm_model_load(struct llm_model *m, const char *path)
{
	memset(m, 0, sizeof(*m));
	if (map_file(m, path) < 0)
		return -1;
	struct cursor cur = {m->map, 0, m->map_size, 0};
	const int32_t *h = m->map;
	int versioned = (uint32_t)h[0] == MAGIC, shared, version = 0;
	if (versioned) {
		version = h[1];
		if (m->map_size < VHEADER) {
			fprintf(stderr, "llm: %s: too short for a version header (%zu bytes)\n", path,
				m->map_size);
			goto fail;
		}
		if (version != 1 && version != 2) {
			fprintf(stderr,
				"llm: %s: checkpoint version %d is not supported (1: fp32, 2: int8)\n",
				path, version);
			goto fail;
		}
		memcpy(&m->c, h + 2, sizeof(m->c));
		const unsigned char *b = (const unsigned char *)m->map;
		shared = b[36];
		if (version == 2)
			memcpy(&m->group, b + 37, 4);
		cur.off = VHEADER;
	} else {
		memcpy(&m->c, h, sizeof(m->c));
		shared = m->c.vocab_size > 0;
		if (m->c.vocab_size < 0 && m->c.vocab_size != INT32_MIN)
			m->c.vocab_size = -m->c.vocab_size;
		cur.off = 28;
	}
	if (check_config(path, &m->c) < 0) {
		const unsigned char *b = (const unsigned char *)m->map;
		if (!versioned && b[0] >= 0x20 && b[0] < 0x7f && b[1] >= 0x20 && b[1] < 0x7f &&
		    b[2] >= 0x20 && b[2] < 0x7f && b[3] >= 0x20 && b[3] < 0x7f)
			fprintf(stderr,
				"llm: %s starts with \"%.4s\": neither the \"ak42\" magic of a "
				"versioned checkpoint nor a plausible original header\n",
				path, (const char *)b);
		goto fail;
	}
	if (version == 2 &&
	    (m->group <= 0 || m->c.dim % m->group || m->c.hidden_dim % m->group)) {
		fprintf(stderr,
			"llm: %s: int8 group size %d does not divide dim %d and hidden_dim %d\n", path,
			m->group, m->c.dim, m->c.hidden_dim);
		goto fail;
	}
	m->layers = calloc(m->c.n_layers, sizeof(*m->layers));
	if (!m->layers) {
		fprintf(stderr, "llm: out of memory\n");
		goto fail;
	}
	if (version == 2)
		layout_q8(m, &cur, shared);
	else
		layout_fp32(m, &cur, versioned, shared);
	if (cur.over || cur.off != cur.size) {
		/* What the header implies, counted again without the file's limit. */
		struct cursor need = {m->map, cur.off, UINT64_MAX, 0};
		if (cur.over) {
			need.off = versioned ? VHEADER : 28;
			if (version == 2)
				layout_q8(m, &need, shared);
			else
				layout_fp32(m, &need, versioned, shared);
		}
		fprintf(stderr,
			"llm: %s: the file is %zu bytes, but its header (dim %d, hidden_dim %d, "
			"n_layers %d, n_heads %d, n_kv_heads %d, vocab_size %d, seq_len %d%s) "
			"describes %llu: %s\n",
			path, m->map_size, m->c.dim, m->c.hidden_dim, m->c.n_layers, m->c.n_heads,
			m->c.n_kv_heads, m->c.vocab_size, m->c.seq_len,
			shared ? "" : ", own classifier", (unsigned long long)need.off,
			cur.over ? "truncated, or not a checkpoint" : "extra bytes at the end");
		goto fail;
	}
	if (weights_finite(m) < 0) {
		fprintf(stderr, "llm: %s: the weights hold NaN or infinite values\n", path);
		goto fail;
	}
	return 0;
fail:
	llm_model_free(m);
	return -1;
}

void llm_model_free(struct llm_model *m)
{
	if (m->map)
		munmap(m->map, m->map_size);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}
