/*
 * llm: inference of small Llama-architecture models stored in llama2.c's
 * file formats (the fp32 checkpoint with its 7-int header, the "ak42"
 * versioned files, among them the int8 Q8_0 export, and tokenizer.bin).
 * One header for the five parts: model.c (loading), tokenizer.c,
 * forward.c (the network), sample.c and main.c (the command line).
 * Every loader prints its own "llm: ..." error and returns -1; main exits 1.
 */
#ifndef LLM_H
#define LLM_H

#include <stddef.h>
#include <stdint.h>

#define LLM_BOS 1 /* begins, and so also ends, every sequence */
#define LLM_EOS 2

struct llm_config {
	int dim;	/* the residual stream's width */
	int hidden_dim; /* the feed-forward layer's width */
	int n_layers;
	int n_heads;
	int n_kv_heads; /* key/value heads, each shared by n_heads / n_kv_heads query heads */
	int vocab_size;
	int seq_len;
};

/* A weight matrix, rows of `n` columns: fp32 (f), or int8 (q) with one fp32
 * scale (s) per group of the model's group size, row-major throughout. */
struct llm_mat {
	const float *f;
	const int8_t *q;
	const float *s;
};

struct llm_layer {
	const float *rms_att, *rms_ffn;
	struct llm_mat wq, wk, wv, wo, w1, w2, w3;
};

struct llm_model {
	struct llm_config c;
	int group; /* 0 for fp32 weights, else the int8 group size */
	struct llm_mat tok_emb, wcls;
	const float *rms_final;
	struct llm_layer *layers;
	void *map; /* the checkpoint file, mapped read-only */
	size_t map_size;
};

/* Activations and the key/value cache of one sequence. */
struct llm_state {
	float *x, *xb, *xb2, *hb, *hb2, *q, *att, *logits;
	float *key_cache, *value_cache; /* n_layers x seq_len x kv_dim */
	float *rope_freq;		/* head_size / 2 rotation frequencies */
	float *rope_cos, *rope_sin;	/* this position's rotations */
	int8_t *xq;			/* an activation quantized, for int8 weights */
	float *xs;
};

struct llm_tokenizer {
	int vocab_size;
	int max_len;	   /* the longest piece, in bytes */
	char **piece;	   /* NUL-terminated copies */
	int *len;	   /* their lengths (a piece may hold a NUL byte) */
	float *score;	   /* merge priority: higher merges first */
	int *sorted;	   /* token ids in byte order of their pieces */
	char *mem;	   /* the pieces' storage */
	char byte[256][2]; /* "<0xHH>" pieces decode to these single bytes */
};

struct llm_sampler {
	float temperature; /* 0: always the most likely token */
	float topp;	   /* nucleus size in (0, 1); otherwise sample from all */
	uint64_t rng;
	int vocab_size;
	struct llm_candidate {
		float p;
		int id;
	} *cand;
};

/* model.c */
int llm_model_load(struct llm_model *m, const char *path);
void llm_model_free(struct llm_model *m);

/* forward.c */
int llm_state_init(struct llm_state *s, const struct llm_model *m);
void llm_state_free(struct llm_state *s);
/* The logits (vocab_size of them, in s) of the token after `token` at
 * position `pos`; requires 0 <= pos < seq_len, and positions 0..pos-1 run
 * before it on the same state. */
float *llm_forward(const struct llm_model *m, struct llm_state *s, int token, int pos);

/* tokenizer.c */
int llm_tokenizer_load(struct llm_tokenizer *t, const char *path, int vocab_size);
void llm_tokenizer_free(struct llm_tokenizer *t);
/* Encode text into tokens (room for strlen(text) + 3), BOS first; sets *n.
 * Returns -1 (message printed) if the vocabulary cannot encode it. */
int llm_encode(const struct llm_tokenizer *t, const char *text, int *tokens, int *n);
/* Print token's piece as text following prev, as the reference does: the
 * space after BOS dropped, raw-byte pieces as their byte, a single byte
 * that is neither printable nor space left out. */
void llm_print_piece(const struct llm_tokenizer *t, int prev, int token);

/* sample.c */
int llm_sampler_init(struct llm_sampler *sp, int vocab_size, float temperature, float topp,
		     uint64_t seed);
void llm_sampler_free(struct llm_sampler *sp);
/* The next token from the logits (which it may overwrite). */
int llm_sample(struct llm_sampler *sp, float *logits);

#endif
