/*
 * llm: generate text with a small Llama-architecture model.
 *
 *   llm CHECKPOINT [-z TOKENIZER] [-t TEMP] [-p TOPP] [-s SEED] [-n STEPS]
 *       [-i PROMPT] [-v 1]
 *
 * The options are those of llama2.c's `run` (-v 1 adds the token ids on
 * stderr). stdout gets the decoded prompt and then the generated text, token
 * by token as it comes; stderr ends with "achieved tok/s: N". Generation
 * stops after STEPS positions (default and at most the model's seq_len) or
 * when the model starts a new sequence (BOS). Any bad input exits 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm.h"

static const char usage_text[] =
	"usage: llm CHECKPOINT [options]\n"
	"  -z FILE   tokenizer (default: tokenizer.bin beside CHECKPOINT)\n"
	"  -t TEMP   temperature: 0 for the most likely token each step, else at least\n"
	"            1e-6 (default 1.0)\n"
	"  -p TOPP   top-p (nucleus) sampling in (0, 1), else sample from all (default 0.9)\n"
	"  -s SEED   random seed, 0 for one from the clock (default 0)\n"
	"  -n STEPS  positions to run, 0 for the model's seq_len (default 256)\n"
	"  -i TEXT   the prompt (default none)\n"
	"  -v 1      also print the token ids on stderr (-v 2: every position's logits)\n";

static int usage(const char *why, const char *arg)
{
	if (why)
		fprintf(stderr, "llm: %s%s%s\n", why, arg ? ": " : "", arg ? arg : "");
	fputs(usage_text, stderr);
	return 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Parse all of s as a number into *v; 0 on success. */
static int parse_float(const char *s, float *v)
{
	char *end;
	*v = strtof(s, &end);
	return *s && !*end && isfinite(*v) ? 0 : -1;
}

static int parse_long(const char *s, long long *v)
{
	char *end;
	*v = strtoll(s, &end, 10);
	return *s && !*end ? 0 : -1;
}

/* tokenizer.bin in the checkpoint's directory (malloc'd). */
static char *default_tokenizer(const char *checkpoint)
{
	const char *slash = strrchr(checkpoint, '/');
	size_t dir = slash ? (size_t)(slash - checkpoint + 1) : 0;
	char *p = malloc(dir + sizeof("tokenizer.bin"));
	if (p) {
		memcpy(p, checkpoint, dir);
		strcpy(p + dir, "tokenizer.bin");
	}
	return p;
}

/* Run the prompt through the model, then sample until steps positions or a
 * BOS; prints as it goes. Returns the positions run. */
static int generate(const struct llm_model *m, struct llm_state *s, const struct llm_tokenizer *t,
		    struct llm_sampler *sp, const int *prompt, int n_prompt, int steps, int verbose)
{
	int token = prompt[0], pos = 0;
	double start = 0;
	if (verbose == 1)
		fprintf(stderr, "tokens: %d", token);
	while (pos < steps) {
		float *logits = llm_forward(m, s, token, pos);
		if (verbose > 1) {
			fprintf(stderr, "logits %d:", pos);
			for (int i = 0; i < m->c.vocab_size; i++)
				fprintf(stderr, " %.6g", logits[i]);
			fprintf(stderr, "\n");
		}
		int next = pos + 1 < n_prompt ? prompt[pos + 1] : llm_sample(sp, logits);
		pos++;
		if (next == LLM_BOS)
			break;
		if (verbose == 1)
			fprintf(stderr, " %d", next);
		llm_print_piece(t, token, next);
		fflush(stdout);
		token = next;
		if (start == 0)
			start = now_s(); /* the first position includes warm-up */
	}
	printf("\n");
	fflush(stdout);
	if (verbose == 1)
		fprintf(stderr, "\n");
	if (pos > 1) {
		double elapsed = now_s() - start;
		fprintf(stderr, "achieved tok/s: %f\n", elapsed > 0 ? (pos - 1) / elapsed : 0.0);
	}
	return pos;
}

int main(int argc, char **argv)
{
	const char *checkpoint = NULL, *tokenizer = NULL, *prompt = "";
	float temperature = 1.0f, topp = 0.9f;
	long long seed = 0, steps = 256, verbose = 0;

	if (argc < 2)
		return usage(NULL, NULL);
	checkpoint = argv[1];
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i];
		if (opt[0] != '-' || !opt[1] || opt[2])
			return usage("not an option", opt);
		if (i + 1 >= argc)
			return usage("option needs a value", opt);
		const char *val = argv[i + 1];
		int bad = 0;
		switch (opt[1]) {
		case 'z': tokenizer = val; break;
		case 'i': prompt = val; break;
		case 't': /* below 1e-6 the logits divided by it overflow to inf */
			bad = parse_float(val, &temperature) < 0 || temperature < 0 ||
			      (temperature > 0 && temperature < 1e-6f);
			break;
		case 'p': bad = parse_float(val, &topp) < 0; break;
		case 's': bad = parse_long(val, &seed) < 0; break;
		case 'n': bad = parse_long(val, &steps) < 0 || steps < 0; break;
		case 'v': bad = parse_long(val, &verbose) < 0; break;
		default: return usage("unknown option", opt);
		}
		if (bad) {
			fprintf(stderr, "llm: bad value for %s: %s\n", opt, val);
			return 1;
		}
	}

	struct llm_model model;
	if (llm_model_load(&model, checkpoint) < 0)
		return 1;
	char *tok_path = tokenizer ? NULL : default_tokenizer(checkpoint);
	struct llm_tokenizer tok;
	int rc = llm_tokenizer_load(&tok, tokenizer ? tokenizer : tok_path, model.c.vocab_size);
	free(tok_path);
	if (rc < 0) {
		llm_model_free(&model);
		return 1;
	}
	if (steps == 0 || steps > model.c.seq_len)
		steps = model.c.seq_len;
	if (seed == 0)
		seed = (long long)time(NULL);

	struct llm_state state;
	struct llm_sampler sampler;
	int *tokens = malloc((strlen(prompt) + 3) * sizeof(int)), n_tokens = 0;
	rc = 1;
	if (!tokens) {
		fprintf(stderr, "llm: out of memory\n");
		goto out_tok;
	}
	if (llm_encode(&tok, prompt, tokens, &n_tokens) < 0)
		goto out_tokens;
	if (llm_state_init(&state, &model) < 0)
		goto out_tokens;
	if (llm_sampler_init(&sampler, model.c.vocab_size, temperature, topp, (uint64_t)seed) < 0)
		goto out_state;
	generate(&model, &state, &tok, &sampler, tokens, n_tokens, (int)steps, (int)verbose);
	rc = 0;
	llm_sampler_free(&sampler);
out_state:
	llm_state_free(&state);
out_tokens:
	free(tokens);
out_tok:
	llm_tokenizer_free(&tok);
	llm_model_free(&model);
	return rc;
}
