/* Separate chaining: an array of bucket lists, nodes from malloc with the
 * key stored after them, rehashing into twice the buckets at load 1. */
#include <stdlib.h>
#include <string.h>

#include "map.h"

struct entry {
	struct entry *next;
	uint64_t hash, value;
	char key[];
};
struct chained {
	struct entry **buckets;
	size_t nbuckets, count;
};

uint64_t hash_string(const char *s)
{
	/* FNV-1a, then a final mix so that the low bits depend on every byte */
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

static void *chained_create(size_t hint)
{
	struct chained *c = calloc(1, sizeof *c);
	c->nbuckets = 16;
	while (c->nbuckets < hint)
		c->nbuckets *= 2;
	c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
	return c;
}

static struct entry **lookup(struct chained *c, const char *key, uint64_t h)
{
	struct entry **p = &c->buckets[h & (c->nbuckets - 1)];
	for (; *p; p = &(*p)->next)
		if ((*p)->hash == h && strcmp((*p)->key, key) == 0)
			break;
	return p;
}

static void rehash(struct chained *c)
{
	size_t n = c->nbuckets * 2;
	struct entry **b = calloc(n, sizeof *b);
	for (size_t i = 0; i < c->nbuckets; i++)
		for (struct entry *e = c->buckets[i], *next; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

static int chained_put(void *m, const char *key, uint64_t value)
{
	struct chained *c = m;
	uint64_t h = hash_string(key);
	struct entry **p = lookup(c, key, h);
	if (*p) {
		(*p)->value = value;
		return 0;
	}
	size_t len = strlen(key) + 1;
	struct entry *e = malloc(sizeof *e + len);
	e->next = NULL;
	e->hash = h;
	e->value = value;
	memcpy(e->key, key, len);
	*p = e;
	if (++c->count > c->nbuckets)
		rehash(c);
	return 1;
}

static int chained_get(void *m, const char *key, uint64_t *value)
{
	struct entry *e = *lookup(m, key, hash_string(key));
	if (e)
		*value = e->value;
	return e != NULL;
}

static int chained_del(void *m, const char *key)
{
	struct chained *c = m;
	struct entry **p = lookup(c, key, hash_string(key)), *e = *p;
	if (!e)
		return 0;
	*p = e->next;
	free(e);
	c->count--;
	return 1;
}

static size_t chained_count(void *m)
{
	return ((struct chained *)m)->count;
}

static void chained_destroy(void *m)
{
	struct chained *c = m;
	for (size_t i = 0; i < c->nbuckets; i++)
		for (struct entry *e = c->buckets[i], *next; e; e = next) {
			next = e->next;
			free(e);
		}
	free(c->buckets);
	free(c);
}

const struct map_ops chained_ops = {"chained",   chained_create, chained_put,    chained_get,
				    chained_del, chained_count,  chained_destroy};
