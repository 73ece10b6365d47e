/*
 * A concordance tool: several chapters of synthetic text, each split into
 * words counted in a trie, with the pairs of consecutive words counted in
 * a hash table; prints the vocabulary and the commonest pairs.
 * usage: wordfreq [CHAPTERS [KILOBYTES]]   (defaults 24 and 1024)
 */
#include <stdio.h>
#include <stdlib.h>

#include "words.h"

static const int top_pairs = 8;

struct counter {
	struct trie *trie;
	struct bigrams *pairs;
	int previous;
};

static void count_word(const char *w, size_t len, void *ctx)
{
	struct counter *c = ctx;
	int id = trie_add(c->trie, w, len);
	if (c->previous >= 0)
		bigrams_add(c->pairs, c->previous, id);
	c->previous = id;
}

int main(int argc, char **argv)
{
	long chapters = argc > 1 ? atol(argv[1]) : 24;
	long kb = argc > 2 ? atol(argv[2]) : 1024;
	if (chapters < 0 || kb < 1) {
		fprintf(stderr, "usage: wordfreq [CHAPTERS [KILOBYTES]]\n");
		return 2;
	}
	size_t size = (size_t)kb * 1024;
	char *text = malloc(size + 1);
	struct counter c = {trie_new(), bigrams_new(), -1};
	long words = 0;
	for (long ch = 0; ch < chapters; ch++) {
		size_t n = make_text(text, size, (uint32_t)(1000 + ch));
		words += for_each_word(text, n, count_word, &c);
	}
	int first[8], second[8];
	long count[8];
	int k = bigrams_top(c.pairs, top_pairs, first, second, count);
	printf("wordfreq: %ld words, %d distinct\n", words, trie_words(c.trie));
	for (int i = 0; i < k; i++) {
		char a[64], b[64];
		trie_spell(c.trie, first[i], a, sizeof a);
		trie_spell(c.trie, second[i], b, sizeof b);
		printf("  %8ld  %s %s\n", count[i], a, b);
	}
	trie_free(c.trie);
	bigrams_free(c.pairs);
	free(text);
	return 0;
}
