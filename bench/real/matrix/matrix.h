/* Integer matrices: products (plain and modular, cache-blocked), powers,
 * and determinants and ranks modulo a prime by Gaussian elimination. */
#include <stdint.h>

struct mat {
	int n;
	int64_t *a; /* row-major, n * n */
};

#define AT(m, i, j) ((m)->a[(long)(i) * (m)->n + (j)])

struct mat mat_new(int n);
void mat_free(struct mat *m);
void mat_copy(struct mat *dst, const struct mat *src);
void mat_identity(struct mat *m);

extern const int64_t prime;
void mat_mul_mod(struct mat *c, const struct mat *a, const struct mat *b);
void mat_pow_mod(struct mat *r, const struct mat *a, uint64_t e);
int64_t det_mod(const struct mat *m);
int rank_mod(const struct mat *m);
int64_t inverse_mod(int64_t a);
