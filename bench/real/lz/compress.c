/* The compressor: a hash of the next four bytes heads a chain through all
 * earlier positions with the same hash, walked newest first. */
#include <stdlib.h>
#include <string.h>

#include "lz.h"

#define HASH_BITS 15
static const uint32_t hash_mult = 2654435761u;

struct matcher {
	int32_t head[1 << HASH_BITS];
	int32_t *prev;
	const uint8_t *src;
	size_t n;
};

struct match {
	size_t len, off;
};

static uint32_t hash4(const uint8_t *p)
{
	uint32_t v = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return (v * hash_mult) >> (32 - HASH_BITS);
}

static void insert(struct matcher *m, size_t pos)
{
	if (pos + LZ_MIN_MATCH > m->n)
		return;
	uint32_t h = hash4(m->src + pos);
	m->prev[pos] = m->head[h];
	m->head[h] = (int32_t)pos;
}

static size_t common_length(const uint8_t *a, const uint8_t *b, size_t limit)
{
	size_t k = 0;
	while (k < limit && a[k] == b[k])
		k++;
	return k;
}

static struct match find_longest(const struct matcher *m, size_t pos, int max_chain)
{
	struct match best = {0, 0};
	if (pos + LZ_MIN_MATCH > m->n)
		return best;
	size_t limit = m->n - pos;
	int32_t cand = m->head[hash4(m->src + pos)];
	for (int chain = 0; cand >= 0 && chain < max_chain; chain++, cand = m->prev[cand]) {
		size_t off = pos - (size_t)cand;
		if (off > LZ_WINDOW)
			break;
		if (m->src[cand + best.len] != m->src[pos + best.len])
			continue;
		size_t len = common_length(m->src + cand, m->src + pos, limit);
		if (len > best.len) {
			best = (struct match){len, off};
			if (len == limit)
				break;
		}
	}
	if (best.len < LZ_MIN_MATCH)
		best.len = 0;
	return best;
}

static uint8_t *put_length(uint8_t *o, size_t extra)
{
	for (; extra >= 255; extra -= 255)
		*o++ = 255;
	*o++ = (uint8_t)extra;
	return o;
}

static uint8_t *emit(uint8_t *o, const uint8_t *lit, size_t nlit, struct match mt)
{
	size_t mlen = mt.len ? mt.len - LZ_MIN_MATCH : 0;
	*o++ = (uint8_t)((nlit < 15 ? nlit : 15) << 4 | (mlen < 15 ? mlen : 15));
	if (nlit >= 15)
		o = put_length(o, nlit - 15);
	memcpy(o, lit, nlit);
	o += nlit;
	if (!mt.len)
		return o;
	*o++ = (uint8_t)mt.off;
	*o++ = (uint8_t)(mt.off >> 8);
	if (mlen >= 15)
		o = put_length(o, mlen - 15);
	return o;
}

size_t lz_bound(size_t n)
{
	return n + n / 255 + 16;
}

size_t lz_compress(const uint8_t *src, size_t n, uint8_t *dst, const struct lz_params *p)
{
	static struct matcher m;
	memset(m.head, 0xff, sizeof m.head);
	m.prev = malloc(n * sizeof *m.prev + 1);
	m.src = src;
	m.n = n;
	uint8_t *o = dst;
	size_t pos = 0, lit_start = 0;
	while (pos < n) {
		struct match mt = find_longest(&m, pos, p->max_chain);
		if (mt.len && p->lazy && pos + 1 < n) {
			insert(&m, pos);
			struct match next = find_longest(&m, pos + 1, p->max_chain);
			if (next.len > mt.len + 1) {
				pos++;
				mt = next;
			} else {
				m.head[hash4(src + pos)] = m.prev[pos]; /* undo; re-inserted below */
			}
		}
		if (!mt.len) {
			insert(&m, pos++);
			continue;
		}
		o = emit(o, src + lit_start, pos - lit_start, mt);
		for (size_t k = 0; k < mt.len; k++)
			insert(&m, pos + k);
		pos += mt.len;
		lit_start = pos;
	}
	o = emit(o, src + lit_start, n - lit_start, (struct match){0, 0});
	free(m.prev);
	return (size_t)(o - dst);
}
