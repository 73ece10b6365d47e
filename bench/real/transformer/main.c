/*
 * Text generation: from a few prompts, a small transformer decodes tokens
 * greedily (the most likely next token each step) until the context is
 * full, and prints the tokens it chose and the mean top probability.
 * usage: transformer [PROMPTS]   (default 24)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

static const int prompt_length = 6;

static int argmax(const float *x, int n)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (x[i] > x[best])
			best = i;
	return best;
}

int main(int argc, char **argv)
{
	long prompts = argc > 1 ? atol(argv[1]) : 24;
	if (prompts < 0) {
		fprintf(stderr, "usage: transformer [PROMPTS]\n");
		return 2;
	}
	struct model *m = malloc(sizeof *m);
	static float logits[VOCAB];
	model_init(m, 31337);
	uint32_t digest = 0;
	double confidence = 0.0;
	long generated = 0;
	for (long p = 0; p < prompts; p++) {
		int token = (int)(p * 37 % VOCAB);
		printf("  prompt %ld:", p);
		for (int pos = 0; pos < MAX_SEQ; pos++) {
			model_forward(m, token, pos, logits);
			if (pos + 1 < prompt_length) {
				token = (int)((p * 37 + (pos + 1) * 101) % VOCAB);
				continue;
			}
			int next = argmax(logits, VOCAB);
			softmax(logits, VOCAB);
			confidence += logits[next];
			generated++;
			digest = digest * 31 + (uint32_t)next;
			if (pos < prompt_length + 8)
				printf(" %d", next);
			token = next;
		}
		printf(" ...\n");
	}
	printf("transformer: %ld prompts, %ld tokens, digest %08x, mean top probability %.5f\n",
	       prompts, generated, digest, generated ? confidence / (double)generated : 0.0);
	free(m);
	return 0;
}
