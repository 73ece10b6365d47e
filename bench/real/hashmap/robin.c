/* Open addressing with Robin Hood insertion (a probing key takes the slot
 * of one closer to its home) and backward-shift deletion (no tombstones).
 * Keys are copied into the table; the table doubles at 7/8 full. */
#include <stdlib.h>
#include <string.h>

#include "map.h"

#define KEY_MAX 24
struct slot {
	uint32_t hash; /* 0: empty */
	uint32_t dist;
	char key[KEY_MAX];
	uint64_t value;
};
struct robin {
	struct slot *slots;
	size_t mask, count;
};
static unsigned load_num = 7, load_den = 8;

static uint32_t slot_hash(const char *key)
{
	uint32_t h = (uint32_t)hash_string(key);
	return h ? h : 1;
}

static void *robin_create(size_t hint)
{
	struct robin *r = calloc(1, sizeof *r);
	size_t cap = 16;
	while (cap * load_num / load_den < hint)
		cap *= 2;
	r->slots = calloc(cap, sizeof *r->slots);
	r->mask = cap - 1;
	return r;
}

static void place(struct robin *r, struct slot s)
{
	size_t i = s.hash & r->mask;
	s.dist = 0;
	for (;; i = (i + 1) & r->mask, s.dist++) {
		struct slot *t = &r->slots[i];
		if (!t->hash) {
			*t = s;
			return;
		}
		if (t->dist < s.dist) {
			struct slot tmp = *t;
			*t = s;
			s = tmp;
		}
	}
}

static void grow(struct robin *r)
{
	struct slot *old = r->slots;
	size_t oldcap = r->mask + 1;
	r->slots = calloc(oldcap * 2, sizeof *r->slots);
	r->mask = oldcap * 2 - 1;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].hash)
			place(r, old[i]);
	free(old);
}

static struct slot *find(struct robin *r, const char *key, uint32_t h)
{
	size_t i = h & r->mask;
	for (uint32_t d = 0;; i = (i + 1) & r->mask, d++) {
		struct slot *t = &r->slots[i];
		if (!t->hash || t->dist < d)
			return NULL;
		if (t->hash == h && strcmp(t->key, key) == 0)
			return t;
	}
}

static int robin_put(void *m, const char *key, uint64_t value)
{
	struct robin *r = m;
	uint32_t h = slot_hash(key);
	struct slot *t = find(r, key, h);
	if (t) {
		t->value = value;
		return 0;
	}
	if ((r->count + 1) * load_den > (r->mask + 1) * load_num)
		grow(r);
	struct slot s = {h, 0, {0}, value};
	strncpy(s.key, key, KEY_MAX - 1);
	place(r, s);
	r->count++;
	return 1;
}

static int robin_get(void *m, const char *key, uint64_t *value)
{
	struct slot *t = find(m, key, slot_hash(key));
	if (t)
		*value = t->value;
	return t != NULL;
}

static int robin_del(void *m, const char *key)
{
	struct robin *r = m;
	struct slot *t = find(r, key, slot_hash(key));
	if (!t)
		return 0;
	size_t i = (size_t)(t - r->slots);
	for (;;) {
		size_t j = (i + 1) & r->mask;
		if (!r->slots[j].hash || r->slots[j].dist == 0)
			break;
		r->slots[i] = r->slots[j];
		r->slots[i].dist--;
		i = j;
	}
	r->slots[i].hash = 0;
	r->count--;
	return 1;
}

static size_t robin_count(void *m)
{
	return ((struct robin *)m)->count;
}

static void robin_destroy(void *m)
{
	struct robin *r = m;
	free(r->slots);
	free(r);
}

const struct map_ops robin_hood_ops = {"robin-hood", robin_create, robin_put, robin_get,
				       robin_del,    robin_count,  robin_destroy};
