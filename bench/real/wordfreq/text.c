/* A synthetic English-like text: words built from syllables with a
 * Zipf-like choice (small ranks far more likely), capitalized sentences,
 * punctuation and line breaks. Also the word splitter. */
#include <ctype.h>

#include "words.h"

static const char *const onsets[] = {"", "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r",
				     "s", "t", "th", "st", "br", "cl"};
static const char *const nuclei[] = {"a", "e", "i", "o", "u", "ea", "ou", "ai"};
static const char *const codas[] = {"", "", "n", "r", "s", "t", "nd", "ng", "ck"};
#define COUNT(a) (sizeof a / sizeof a[0])
static int vocabulary_size = 5000;

static uint64_t text_rng;
static uint32_t text_next(void)
{
	text_rng = text_rng * 2862933555777941757ull + 3037000493ull;
	return (uint32_t)(text_rng >> 32);
}

/* A rank in [0, vocabulary_size) with roughly 1/rank probability: a
 * power-of-two band chosen uniformly, then a rank uniformly within it. */
static uint32_t zipf_rank(void)
{
	uint32_t band = text_next() % 13, lo = (1u << band) - 1;
	return (lo + text_next() % (1u << band)) % (uint32_t)vocabulary_size;
}

static size_t spell_word(uint32_t rank, char *out)
{
	size_t len = 0;
	uint32_t syllables = 1 + rank % 3, x = rank * 2654435761u;
	for (uint32_t s = 0; s < syllables; s++) {
		const char *parts[3] = {onsets[x % COUNT(onsets)], nuclei[(x >> 5) % COUNT(nuclei)],
					codas[(x >> 9) % COUNT(codas)]};
		for (int p = 0; p < 3; p++)
			for (const char *c = parts[p]; *c; c++)
				out[len++] = *c;
		x = x * 747796405u + 2891336453u;
	}
	return len;
}

size_t make_text(char *buf, size_t size, uint32_t seed)
{
	text_rng = seed;
	size_t len = 0;
	int sentence_start = 1;
	while (len + 40 < size) {
		size_t w = spell_word(zipf_rank(), buf + len);
		if (sentence_start)
			buf[len] = (char)toupper((unsigned char)buf[len]);
		len += w;
		uint32_t r = text_next() % 100;
		sentence_start = r < 8;
		if (r < 8)
			buf[len++] = '.';
		else if (r < 14)
			buf[len++] = ',';
		buf[len++] = text_next() % 16 ? ' ' : '\n';
	}
	buf[len] = 0;
	return len;
}

long for_each_word(const char *text, size_t n, void (*visit)(const char *w, size_t len, void *ctx),
		   void *ctx)
{
	char word[64];
	size_t len = 0;
	long words = 0;
	for (size_t i = 0; i <= n; i++) {
		int c = i < n ? (unsigned char)text[i] : ' ';
		if (isalpha(c)) {
			if (len < sizeof word)
				word[len++] = (char)tolower(c);
			continue;
		}
		if (len) {
			visit(word, len, ctx);
			words++;
			len = 0;
		}
	}
	return words;
}
