/*
 * A session cache: a stream of operations on session keys (mostly
 * lookups, some logins and logouts, a hot set and a long tail), replayed
 * against both map implementations, which must give the same answers.
 * usage: hashmap [OPERATIONS]   (default 5000000)
 */
#include <stdio.h>
#include <stdlib.h>

#include "map.h"

static const unsigned key_space = 200000, hot_keys = 2000;
static const unsigned lookup_share = 80, insert_share = 14; /* percent; the rest deletes */
static const struct map_ops *const maps[] = {&robin_hood_ops, &chained_ops};

static uint64_t wy_state = 0xa0761d6478bd642full;
/* A wyrand-style generator: a 128-bit product folded to 64 bits. */
static uint64_t wyrand(void)
{
	wy_state += 0xa0761d6478bd642full;
	unsigned __int128 p = (unsigned __int128)wy_state * (wy_state ^ 0xe7037ed1a0b428dbull);
	return (uint64_t)(p >> 64) ^ (uint64_t)p;
}

static void session_key(char *buf, unsigned id)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	buf[0] = 's';
	buf[1] = 'i';
	buf[2] = 'd';
	buf[3] = ':';
	for (int i = 0; i < 12; i++) {
		buf[4 + i] = alphabet[id % 36];
		id = id / 36 * 7 + (unsigned)i;
	}
	buf[16] = 0;
}

struct result {
	long found, inserted, deleted;
	uint64_t sum;
};

static struct result replay(const struct map_ops *ops, long n, uint64_t seed)
{
	struct result res = {0, 0, 0, 0};
	void *m = ops->create(1024);
	char key[32];
	wy_state = seed;
	for (long i = 0; i < n; i++) {
		uint64_t r = wyrand();
		unsigned id = r % 3 ? (unsigned)(r >> 20) % hot_keys : (unsigned)(r >> 20) % key_space;
		unsigned kind = (unsigned)(r >> 50) % 100;
		session_key(key, id);
		uint64_t v;
		if (kind < lookup_share) {
			if (ops->get(m, key, &v)) {
				res.found++;
				res.sum += v;
			}
		} else if (kind < lookup_share + insert_share) {
			res.inserted += ops->put(m, key, (uint64_t)i);
		} else {
			res.deleted += ops->del(m, key);
		}
	}
	res.sum += ops->count(m);
	ops->destroy(m);
	return res;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5000000;
	if (n < 0) {
		fprintf(stderr, "usage: hashmap [OPERATIONS]\n");
		return 2;
	}
	struct result r[2];
	for (int k = 0; k < 2; k++)
		r[k] = replay(maps[k], n, 0x1234567);
	int same = r[0].found == r[1].found && r[0].inserted == r[1].inserted &&
		   r[0].deleted == r[1].deleted && r[0].sum == r[1].sum;
	printf("hashmap: %ld operations, implementations %s\n", n, same ? "agree" : "DISAGREE");
	for (int k = 0; k < 2; k++)
		printf("  %-10s found %ld inserted %ld deleted %ld sum %llu\n", maps[k]->name,
		       r[k].found, r[k].inserted, r[k].deleted, (unsigned long long)r[k].sum);
	return !same;
}
