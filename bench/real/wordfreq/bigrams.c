/* Bigram counts in an open-addressing table keyed by the pair of word
 * ids, linear probing, doubling at half full; the top k by a bounded
 * min-heap. */
#include <stdlib.h>

#include "words.h"

struct pair_slot {
	uint64_t key; /* first << 32 | second, plus 1; 0 is empty */
	long count;
};
struct bigrams {
	struct pair_slot *slots;
	size_t mask, used;
};

struct bigrams *bigrams_new(void)
{
	struct bigrams *b = malloc(sizeof *b);
	b->mask = 1023;
	b->used = 0;
	b->slots = calloc(b->mask + 1, sizeof *b->slots);
	return b;
}

static size_t slot_of(uint64_t key, size_t mask)
{
	key ^= key >> 31;
	key *= 0x7fb5d329728ea185ull;
	key ^= key >> 27;
	return (size_t)key & mask;
}

static struct pair_slot *probe(struct pair_slot *slots, size_t mask, uint64_t key)
{
	size_t i = slot_of(key, mask);
	while (slots[i].key && slots[i].key != key)
		i = (i + 1) & mask;
	return &slots[i];
}

static void grow(struct bigrams *b)
{
	size_t mask = b->mask * 2 + 1;
	struct pair_slot *slots = calloc(mask + 1, sizeof *slots);
	for (size_t i = 0; i <= b->mask; i++)
		if (b->slots[i].key)
			*probe(slots, mask, b->slots[i].key) = b->slots[i];
	free(b->slots);
	b->slots = slots;
	b->mask = mask;
}

void bigrams_add(struct bigrams *b, int first, int second)
{
	uint64_t key = ((uint64_t)(uint32_t)first << 32 | (uint32_t)second) + 1;
	struct pair_slot *s = probe(b->slots, b->mask, key);
	if (!s->key) {
		if (2 * (b->used + 1) > b->mask + 1) {
			grow(b);
			s = probe(b->slots, b->mask, key);
		}
		s->key = key;
		b->used++;
	}
	s->count++;
}

/* a ranks below b: fewer occurrences, or as many and a larger key */
static int ranks_below(const struct pair_slot *a, const struct pair_slot *b)
{
	return a->count < b->count || (a->count == b->count && a->key > b->key);
}

static void heap_fix_down(const struct pair_slot **h, int n, int i)
{
	for (;;) {
		int c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && ranks_below(h[c + 1], h[c]))
			c++;
		if (!ranks_below(h[c], h[i]))
			return;
		const struct pair_slot *t = h[i];
		h[i] = h[c];
		h[c] = t;
		i = c;
	}
}

int bigrams_top(const struct bigrams *b, int k, int *first, int *second, long *count)
{
	const struct pair_slot **h = malloc((size_t)k * sizeof *h);
	int n = 0;
	for (size_t i = 0; i <= b->mask; i++) {
		const struct pair_slot *s = &b->slots[i];
		if (!s->key)
			continue;
		if (n < k) {
			h[n++] = s;
			for (int j = n / 2; j >= 0; j--)
				heap_fix_down(h, n, j);
		} else if (ranks_below(h[0], s)) {
			h[0] = s;
			heap_fix_down(h, n, 0);
		}
	}
	for (int m = n; m > 0; m--) { /* pop the weakest to the back */
		const struct pair_slot *weakest = h[0];
		h[0] = h[m - 1];
		heap_fix_down(h, m - 1, 0);
		uint64_t key = weakest->key - 1;
		first[m - 1] = (int)(key >> 32);
		second[m - 1] = (int)(uint32_t)key;
		count[m - 1] = weakest->count;
	}
	free(h);
	return n;
}

void bigrams_free(struct bigrams *b)
{
	free(b->slots);
	free(b);
}
