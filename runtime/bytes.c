/* Bytes in and out (bytes.h). */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"

void bytes_put(struct bytes *b, const void *p, size_t n)
{
	if (b->failed || !n)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		unsigned char *q = realloc(b->p, cap);
		if (!q) {
			b->failed = true;
			return;
		}
		b->p = q, b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

void bytes_u8(struct bytes *b, uint8_t v)
{
	bytes_put(b, &v, 1);
}

void bytes_u32(struct bytes *b, uint32_t v)
{
	bytes_put(b, &v, 4);
}

void bytes_u64(struct bytes *b, uint64_t v)
{
	bytes_put(b, &v, 8);
}

void bytes_str(struct bytes *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	bytes_u32(b, (uint32_t)n);
	bytes_put(b, s, n);
}

const void *read_take(struct reader *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	const void *at = r->p;
	r->p += n;
	return at;
}

uint8_t read_u8(struct reader *r)
{
	const uint8_t *p = read_take(r, 1);
	return p ? *p : 0;
}

/* The next n bytes into v, which keeps its value if fewer are left. */
static void read_into(struct reader *r, void *v, size_t n)
{
	const void *p = read_take(r, n);
	if (p)
		memcpy(v, p, n);
}

uint32_t read_u32(struct reader *r)
{
	uint32_t v = 0;
	read_into(r, &v, 4);
	return v;
}

uint64_t read_u64(struct reader *r)
{
	uint64_t v = 0;
	read_into(r, &v, 8);
	return v;
}
