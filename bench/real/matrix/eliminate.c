/* Gaussian elimination over the integers modulo a prime: the determinant
 * (the product of the pivots, negated for each row swap) and the rank. */
#include "matrix.h"

int64_t inverse_mod(int64_t a)
{
	/* extended Euclid */
	int64_t t = 0, nt = 1, r = prime, nr = a % prime;
	while (nr) {
		int64_t q = r / nr, tmp;
		tmp = t - q * nt, t = nt, nt = tmp;
		tmp = r - q * nr, r = nr, nr = tmp;
	}
	return t < 0 ? t + prime : t;
}

static void swap_rows(struct mat *m, int i, int j)
{
	for (int k = 0; k < m->n; k++) {
		int64_t t = AT(m, i, k);
		AT(m, i, k) = AT(m, j, k);
		AT(m, j, k) = t;
	}
}

/* Clears column col below row; returns 0 when the column has no pivot. */
static int eliminate_column(struct mat *m, int row, int col, int *swaps)
{
	int p = row;
	while (p < m->n && AT(m, p, col) == 0)
		p++;
	if (p == m->n)
		return 0;
	if (p != row) {
		swap_rows(m, p, row);
		++*swaps;
	}
	int64_t inv = inverse_mod(AT(m, row, col));
	for (int i = row + 1; i < m->n; i++) {
		int64_t f = AT(m, i, col) * inv % prime;
		if (!f)
			continue;
		for (int k = col; k < m->n; k++)
			AT(m, i, k) = ((AT(m, i, k) - f * AT(m, row, k)) % prime + prime) % prime;
	}
	return 1;
}

int64_t det_mod(const struct mat *src)
{
	struct mat m = mat_new(src->n);
	mat_copy(&m, src);
	int swaps = 0;
	int64_t det = 1;
	for (int c = 0; c < m.n; c++) {
		if (!eliminate_column(&m, c, c, &swaps)) {
			det = 0;
			break;
		}
		det = det * AT(&m, c, c) % prime;
	}
	if (det && swaps % 2)
		det = prime - det;
	mat_free(&m);
	return det;
}

int rank_mod(const struct mat *src)
{
	struct mat m = mat_new(src->n);
	mat_copy(&m, src);
	int swaps = 0, row = 0;
	for (int c = 0; c < m.n && row < m.n; c++)
		row += eliminate_column(&m, row, c, &swaps);
	mat_free(&m);
	return row;
}
