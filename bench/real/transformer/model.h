/* A small decoder-only transformer in single precision: token and
 * position embeddings, pre-norm blocks of multi-head causal attention and
 * a GELU MLP, a tied output projection, greedy decoding with a KV cache.
 * Weights are pseudo-random; the point is the arithmetic. */
#pragma STDC FP_CONTRACT OFF

#define DIM 96
#define HEADS 4
#define HEAD_DIM (DIM / HEADS)
#define HIDDEN (4 * DIM)
#define LAYERS 3
#define VOCAB 512
#define MAX_SEQ 128

struct layer {
	float norm1[DIM], norm2[DIM];
	float wq[DIM][DIM], wk[DIM][DIM], wv[DIM][DIM], wo[DIM][DIM];
	float w1[HIDDEN][DIM], w2[DIM][HIDDEN];
};

struct model {
	float embed[VOCAB][DIM];
	float pos[MAX_SEQ][DIM];
	struct layer layers[LAYERS];
	float final_norm[DIM];
	/* the KV cache */
	float keys[LAYERS][MAX_SEQ][DIM], values[LAYERS][MAX_SEQ][DIM];
};

void model_init(struct model *m, unsigned seed);
/* Runs token at position pos (earlier positions cached); fills logits. */
void model_forward(struct model *m, int token, int pos, float logits[VOCAB]);

void matvec(const float *w, const float *x, float *y, int rows, int cols);
void rms_norm(const float *x, const float *gain, float *y, int n);
void softmax(float *x, int n);
float fast_exp(float x);
float gelu(float x);
