/* String-keyed maps behind one operations table: open addressing with
 * Robin Hood probing and backward-shift deletion, and separate chaining. */
#include <stddef.h>
#include <stdint.h>

struct map_ops {
	const char *name;
	void *(*create)(size_t capacity_hint);
	/* Adds or replaces; returns 1 if the key is new. */
	int (*put)(void *m, const char *key, uint64_t value);
	/* Returns 1 and sets *value when found. */
	int (*get)(void *m, const char *key, uint64_t *value);
	int (*del)(void *m, const char *key);
	size_t (*count)(void *m);
	void (*destroy)(void *m);
};

extern const struct map_ops robin_hood_ops, chained_ops;
uint64_t hash_string(const char *s);
