/* Storage and the modular product: a transposed copy of b so that both
 * operands stream along rows, and 64-bit accumulation reduced every few
 * terms (each term is below 2^60, so eight fit before an overflow). */
#include <stdlib.h>
#include <string.h>

#include "matrix.h"

const int64_t prime = 1000000007;
static int reduce_every = 8;

struct mat mat_new(int n)
{
	struct mat m = {n, calloc((size_t)n * n, sizeof(int64_t))};
	return m;
}

void mat_free(struct mat *m)
{
	free(m->a);
	m->a = NULL;
}

void mat_copy(struct mat *dst, const struct mat *src)
{
	memcpy(dst->a, src->a, (size_t)src->n * src->n * sizeof(int64_t));
}

void mat_identity(struct mat *m)
{
	memset(m->a, 0, (size_t)m->n * m->n * sizeof(int64_t));
	for (int i = 0; i < m->n; i++)
		AT(m, i, i) = 1;
}

static void transpose(struct mat *t, const struct mat *m)
{
	for (int i = 0; i < m->n; i++)
		for (int j = 0; j < m->n; j++)
			AT(t, j, i) = AT(m, i, j);
}

static int64_t dot_mod(const int64_t *x, const int64_t *y, int n)
{
	uint64_t acc = 0;
	for (int k = 0; k < n; k++) {
		acc += (uint64_t)x[k] * (uint64_t)y[k];
		if (k % reduce_every == reduce_every - 1)
			acc %= (uint64_t)prime;
	}
	return (int64_t)(acc % (uint64_t)prime);
}

void mat_mul_mod(struct mat *c, const struct mat *a, const struct mat *b)
{
	static struct mat bt;
	if (bt.n != b->n) {
		mat_free(&bt);
		bt = mat_new(b->n);
	}
	transpose(&bt, b);
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < a->n; j++)
			AT(c, i, j) = dot_mod(&AT(a, i, 0), &AT(&bt, j, 0), a->n);
}

void mat_pow_mod(struct mat *r, const struct mat *a, uint64_t e)
{
	struct mat base = mat_new(a->n), t = mat_new(a->n);
	mat_copy(&base, a);
	mat_identity(r);
	while (e) {
		if (e & 1) {
			mat_mul_mod(&t, r, &base);
			mat_copy(r, &t);
		}
		mat_mul_mod(&t, &base, &base);
		mat_copy(&base, &t);
		e >>= 1;
	}
	mat_free(&base);
	mat_free(&t);
}
