/* Reed-Solomon: systematic encoding by polynomial division by the
 * generator prod (x - a^i), i < nsym; decoding by syndromes,
 * Berlekamp-Massey, Chien search and Forney's formula. Polynomials are
 * stored lowest degree first; codewords highest degree first. */
#include <string.h>

#include "qr.h"

#define MAX_SYM 64
static int nsym;
static uint8_t generator[MAX_SYM + 1];

void rs_init(int n)
{
	nsym = n;
	memset(generator, 0, sizeof generator);
	generator[0] = 1;
	for (int i = 0; i < n; i++) {
		uint8_t root = gf_pow_alpha(i);
		for (int j = i + 1; j > 0; j--)
			generator[j] = generator[j - 1] ^ gf_mul(generator[j], root);
		generator[0] = gf_mul(generator[0], root);
	}
}

void rs_encode(const uint8_t *msg, int k, uint8_t *ecc)
{
	uint8_t rem[MAX_SYM] = {0}; /* rem[0] is the highest degree */
	for (int i = 0; i < k; i++) {
		uint8_t f = msg[i] ^ rem[0];
		memmove(rem, rem + 1, (size_t)nsym - 1);
		rem[nsym - 1] = 0;
		if (f)
			for (int j = 0; j < nsym; j++)
				rem[j] ^= gf_mul(generator[nsym - 1 - j], f);
	}
	memcpy(ecc, rem, (size_t)nsym);
}

static int syndromes(const uint8_t *code, int n, uint8_t *s)
{
	int nonzero = 0;
	for (int i = 0; i < nsym; i++) {
		uint8_t x = gf_pow_alpha(i), v = 0;
		for (int j = 0; j < n; j++)
			v = gf_mul(v, x) ^ code[j];
		s[i] = v;
		nonzero |= v;
	}
	return nonzero;
}

/* The error locator; returns its degree. */
static int berlekamp_massey(const uint8_t *s, uint8_t *lambda)
{
	uint8_t prev[MAX_SYM + 1] = {1}, t[MAX_SYM + 1];
	int len = 0, shift = 1;
	uint8_t last = 1;
	memset(lambda, 0, MAX_SYM + 1);
	lambda[0] = 1;
	for (int n = 0; n < nsym; n++) {
		uint8_t d = s[n];
		for (int i = 1; i <= len; i++)
			d ^= gf_mul(lambda[i], s[n - i]);
		if (!d) {
			shift++;
			continue;
		}
		uint8_t coef = gf_div(d, last);
		memcpy(t, lambda, sizeof t);
		for (int i = 0; i + shift <= MAX_SYM; i++)
			lambda[i + shift] ^= gf_mul(coef, prev[i]);
		if (2 * len <= n) {
			len = n + 1 - len;
			memcpy(prev, t, sizeof prev);
			last = d;
			shift = 1;
		} else {
			shift++;
		}
	}
	return len;
}

static uint8_t poly_eval(const uint8_t *p, int deg, uint8_t x)
{
	uint8_t v = 0;
	for (int i = deg; i >= 0; i--)
		v = gf_mul(v, x) ^ p[i];
	return v;
}

/* Corrects code in place; returns the number of errors fixed, or -1. */
int rs_correct(uint8_t *code, int n)
{
	uint8_t s[MAX_SYM], lambda[MAX_SYM + 1], omega[MAX_SYM] = {0}, deriv[MAX_SYM] = {0};
	if (!syndromes(code, n, s))
		return 0;
	int deg = berlekamp_massey(s, lambda);
	for (int i = 0; i < nsym; i++)
		for (int j = 0; j <= i && j <= deg; j++)
			omega[i] ^= gf_mul(s[i - j], lambda[j]);
	for (int i = 1; i <= deg; i += 2)
		deriv[i - 1] = lambda[i];
	int found = 0;
	for (int j = 0; j < n; j++) {
		uint8_t xinv = gf_pow_alpha(-(n - 1 - j));
		if (poly_eval(lambda, deg, xinv))
			continue;
		uint8_t den = poly_eval(deriv, deg, xinv);
		if (!den)
			return -1;
		uint8_t mag = gf_mul(gf_pow_alpha(n - 1 - j), gf_div(poly_eval(omega, nsym - 1, xinv), den));
		code[j] ^= mag;
		found++;
	}
	if (found != deg || syndromes(code, n, s))
		return -1;
	return found;
}
