/* A trie over a-z with nodes in one growing array; a node that ends a
 * word carries its id, and each id remembers its node and count. */
#include <stdlib.h>
#include <string.h>

#include "words.h"

struct trie_node {
	int child[26];
	int parent, id;
	char letter;
};
struct trie {
	struct trie_node *nodes;
	int nnodes, cap;
	int *node_of; /* id -> node */
	long *count;  /* id -> occurrences */
	int nwords, wcap;
};

static int new_node(struct trie *t, int parent, char letter)
{
	if (t->nnodes == t->cap) {
		t->cap *= 2;
		t->nodes = realloc(t->nodes, (size_t)t->cap * sizeof *t->nodes);
	}
	struct trie_node *n = &t->nodes[t->nnodes];
	memset(n->child, 0, sizeof n->child);
	n->parent = parent;
	n->id = -1;
	n->letter = letter;
	return t->nnodes++;
}

struct trie *trie_new(void)
{
	struct trie *t = calloc(1, sizeof *t);
	t->cap = 1024;
	t->nodes = malloc((size_t)t->cap * sizeof *t->nodes);
	new_node(t, -1, 0);
	t->wcap = 256;
	t->node_of = malloc((size_t)t->wcap * sizeof *t->node_of);
	t->count = malloc((size_t)t->wcap * sizeof *t->count);
	return t;
}

int trie_add(struct trie *t, const char *word, size_t len)
{
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		int c = word[i] - 'a';
		if (!t->nodes[v].child[c]) {
			int w = new_node(t, v, word[i]);
			t->nodes[v].child[c] = w;
		}
		v = t->nodes[v].child[c];
	}
	if (t->nodes[v].id < 0) {
		if (t->nwords == t->wcap) {
			t->wcap *= 2;
			t->node_of = realloc(t->node_of, (size_t)t->wcap * sizeof *t->node_of);
			t->count = realloc(t->count, (size_t)t->wcap * sizeof *t->count);
		}
		t->nodes[v].id = t->nwords;
		t->node_of[t->nwords] = v;
		t->count[t->nwords++] = 0;
	}
	t->count[t->nodes[v].id]++;
	return t->nodes[v].id;
}

int trie_words(const struct trie *t)
{
	return t->nwords;
}

long trie_count(const struct trie *t, int id)
{
	return t->count[id];
}

void trie_spell(const struct trie *t, int id, char *out, size_t cap)
{
	char rev[64];
	size_t n = 0;
	for (int v = t->node_of[id]; v > 0 && n < sizeof rev; v = t->nodes[v].parent)
		rev[n++] = t->nodes[v].letter;
	size_t i = 0;
	for (; i < n && i + 1 < cap; i++)
		out[i] = rev[n - 1 - i];
	out[i] = 0;
}

void trie_free(struct trie *t)
{
	free(t->nodes);
	free(t->node_of);
	free(t->count);
	free(t);
}
