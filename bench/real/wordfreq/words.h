/* Word frequencies of a text: words counted in a trie and, with their
 * following word, in a hash table of bigrams; then the most frequent. */
#include <stddef.h>
#include <stdint.h>

size_t make_text(char *buf, size_t size, uint32_t seed);

struct trie;
struct trie *trie_new(void);
/* Adds one occurrence of word[0..len) (lower-case letters); returns its id. */
int trie_add(struct trie *t, const char *word, size_t len);
int trie_words(const struct trie *t);
long trie_count(const struct trie *t, int id);
void trie_spell(const struct trie *t, int id, char *out, size_t cap);
void trie_free(struct trie *t);

struct bigrams;
struct bigrams *bigrams_new(void);
void bigrams_add(struct bigrams *b, int first, int second);
/* The k most frequent pairs, most frequent first (ties by ids). */
int bigrams_top(const struct bigrams *b, int k, int *first, int *second, long *count);
void bigrams_free(struct bigrams *b);

/* Splits text into lower-cased words and calls visit for each. */
long for_each_word(const char *text, size_t n, void (*visit)(const char *w, size_t len, void *ctx),
		   void *ctx);
