/*
 * llmgen: a synthetic model for apps/llm, deterministic pseudo-random
 * weights in a given shape, written as DIR/model.bin (fp32, the original
 * 7-int header), DIR/model.q80.bin (the int8 "version 2" file of the same
 * weights, groups of 64 or the largest power of two dividing dim) and
 * DIR/tokenizer.bin (a byte-fallback vocabulary of letters and letter
 * groups, so prompts encode and merge as with a real one).
 *
 *   llmgen SHAPE DIR [SEED]     SHAPE: stories15M, stories110M or tiny
 *
 * The shapes are those of llama2.c's stories15M and stories110M; tiny (dim
 * 64, 2 layers, 4 heads sharing 2 key/value heads, vocab 512, its own
 * classifier) is for tests. Weights are uniform in +-1/sqrt(fan-in), norms
 * near 1: the text is gibberish, the arithmetic is the real one.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shape {
	const char *name;
	int dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len, shared;
};

static const struct shape shapes[] = {
	{"stories15M", 288, 768, 6, 6, 6, 32000, 256, 1},
	{"stories110M", 768, 2048, 12, 12, 12, 32000, 1024, 1},
	{"tiny", 64, 192, 2, 4, 2, 512, 64, 0},
};

static uint64_t rng = 0x11ad2c0ffee;

static float uniform(void) /* in [-1, 1) */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (float)(z >> 40) / 8388608.0f - 1.0f;
}

static void fail(const char *what, const char *path)
{
	fprintf(stderr, "llmgen: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* A tensor's values: rows x cols, uniform in +-1/sqrt(cols), or norms. */
static float *make(size_t rows, size_t cols, int norm)
{
	float *w = malloc(rows * cols * sizeof(float));
	if (!w) {
		fprintf(stderr, "llmgen: out of memory\n");
		exit(1);
	}
	float a = 1.0f / sqrtf((float)cols);
	for (size_t i = 0; i < rows * cols; i++)
		w[i] = norm ? 1.0f + 0.1f * uniform() : a * uniform();
	return w;
}

static void put(FILE *f, const void *p, size_t n, const char *path)
{
	if (fwrite(p, 1, n, f) != n)
		fail("cannot write", path);
}

/* Quantize w (n values) to int8 groups and write the values, then the scales. */
static void put_q8(FILE *f, const float *w, size_t n, int group, const char *path)
{
	int8_t *q = malloc(n);
	float *s = malloc(n / group * sizeof(float));
	if (!q || !s) {
		fprintf(stderr, "llmgen: out of memory\n");
		exit(1);
	}
	for (size_t g = 0; g < n / group; g++) {
		float max = 0;
		for (int k = 0; k < group; k++)
			max = fmaxf(max, fabsf(w[g * group + k]));
		s[g] = max / 127.0f;
		for (int k = 0; k < group; k++)
			q[g * group + k] = (int8_t)(s[g] > 0 ? roundf(w[g * group + k] / s[g]) : 0);
	}
	put(f, q, n, path);
	put(f, s, n / group * sizeof(float), path);
	free(q);
	free(s);
}

static FILE *create(const char *dir, const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		fail("cannot create", path);
	return f;
}

static void finish(FILE *f, const char *path)
{
	if (fclose(f) != 0)
		fail("cannot write", path);
}

/* Pieces after the specials, bytes and printable characters: "ab", " a",
 * " ab", "abc", " abc", ... in that order, each scored by its rank. */
static int synthetic_piece(int k, char *out)
{
	static const int kinds[][2] = {{0, 2}, {1, 1}, {1, 2}, {0, 3}, {1, 3}, {0, 4}};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int space = kinds[i][0], letters = kinds[i][1], count = 1;
		for (int j = 0; j < letters; j++)
			count *= 26;
		if (k < count) {
			int n = 0;
			if (space)
				out[n++] = ' ';
			for (int j = letters - 1; j >= 0; j--, k /= 26)
				out[n + j] = (char)('a' + k % 26);
			return n + letters;
		}
		k -= count;
	}
	return -1;
}

static void write_tokenizer(const char *dir, int vocab)
{
	char path[4096], piece[16];
	FILE *f = create(dir, "tokenizer.bin", path, sizeof(path));
	int max_len = 7;
	put(f, &max_len, 4, path);
	for (int id = 0; id < vocab; id++) {
		int n;
		float score = 0;
		if (id == 0)
			n = sprintf(piece, "<unk>");
		else if (id == 1)
			n = sprintf(piece, "\n<s>\n");
		else if (id == 2)
			n = sprintf(piece, "\n</s>\n");
		else if (id < 259)
			n = sprintf(piece, "<0x%02X>", id - 3);
		else if (id < 259 + 95)
			n = 1, piece[0] = (char)(' ' + id - 259);
		else {
			n = synthetic_piece(id - 354, piece);
			score = -(float)(id - 354);
			if (n < 0)
				n = sprintf(piece, "<%d>", id);
		}
		put(f, &score, 4, path);
		put(f, &n, 4, path);
		put(f, piece, n, path);
	}
	finish(f, path);
}

int main(int argc, char **argv)
{
	const struct shape *s = NULL;
	for (size_t i = 0; (argc == 3 || argc == 4) && i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (!strcmp(argv[1], shapes[i].name))
			s = &shapes[i];
	if (!s) {
		fprintf(stderr, "usage: llmgen stories15M|stories110M|tiny DIR [SEED]\n");
		return 2;
	}
	if (argc == 4)
		rng += strtoull(argv[3], NULL, 0) * 0x5851f42d4c957f2dull;
	const char *dir = argv[2];
	size_t L = s->n_layers, dim = s->dim, hid = s->hidden_dim, vocab = s->vocab_size;
	size_t kv = dim / s->n_heads * s->n_kv_heads, head = dim / s->n_heads;
	float *emb = make(vocab, dim, 0), *cls = s->shared ? emb : make(vocab, dim, 0);
	float *att = make(L, dim, 1), *ffn = make(L, dim, 1), *fin = make(1, dim, 1);
	float *wq = make(L * dim, dim, 0), *wk = make(L * kv, dim, 0), *wv = make(L * kv, dim, 0);
	float *wo = make(L * dim, dim, 0), *w1 = make(L * hid, dim, 0), *w2 = make(L * dim, hid, 0);
	float *w3 = make(L * hid, dim, 0);
	float *rope = calloc(s->seq_len * head, sizeof(float));
	char path[4096];

	FILE *f = create(dir, "model.bin", path, sizeof(path));
	int head7[7] = {s->dim, s->hidden_dim, s->n_layers, s->n_heads, s->n_kv_heads,
			s->shared ? s->vocab_size : -s->vocab_size, s->seq_len};
	put(f, head7, sizeof(head7), path);
	put(f, emb, vocab * dim * 4, path);
	put(f, att, L * dim * 4, path);
	put(f, wq, L * dim * dim * 4, path);
	put(f, wk, L * kv * dim * 4, path);
	put(f, wv, L * kv * dim * 4, path);
	put(f, wo, L * dim * dim * 4, path);
	put(f, ffn, L * dim * 4, path);
	put(f, w1, L * hid * dim * 4, path);
	put(f, w2, L * dim * hid * 4, path);
	put(f, w3, L * hid * dim * 4, path);
	put(f, fin, dim * 4, path);
	put(f, rope, s->seq_len * head * 4, path); /* the unused rotary tables */
	if (!s->shared)
		put(f, cls, vocab * dim * 4, path);
	finish(f, path);

	int group = 64;
	while (s->dim % group)
		group /= 2;
	f = create(dir, "model.q80.bin", path, sizeof(path));
	unsigned char hdr[256] = {0};
	uint32_t magic = 0x616b3432;
	int version = 2;
	memcpy(hdr, &magic, 4);
	memcpy(hdr + 4, &version, 4);
	memcpy(hdr + 8, head7, sizeof(head7));
	memcpy(hdr + 28, &s->vocab_size, 4); /* positive here: the flag says shared */
	hdr[36] = (unsigned char)s->shared;
	memcpy(hdr + 37, &group, 4);
	put(f, hdr, sizeof(hdr), path);
	put(f, att, L * dim * 4, path);
	put(f, ffn, L * dim * 4, path);
	put(f, fin, dim * 4, path);
	put_q8(f, emb, vocab * dim, group, path);
	const float *mats[] = {wq, wk, wv, wo, w1, w2, w3};
	size_t sizes[] = {dim * dim, kv * dim, kv * dim, dim * dim, hid * dim, dim * hid, hid * dim};
	for (int m = 0; m < 7; m++)
		for (size_t l = 0; l < L; l++)
			put_q8(f, mats[m] + l * sizes[m], sizes[m], group, path);
	if (!s->shared)
		put_q8(f, cls, vocab * dim, group, path);
	finish(f, path);

	write_tokenizer(dir, s->vocab_size);
	return 0;
}
