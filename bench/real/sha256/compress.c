/* The SHA-256 compression function. Its round constants and initial hash
 * are the fractional parts of the cube and square roots of the first
 * primes, computed here at start-up with integer arithmetic. */
#include "sha256.h"

static uint32_t round_k[64];
uint32_t sha256_initial[8];

/* floor(frac(x) * 2^32) for x = p^(1/root): the integer root of p << (32 * root). */
static uint32_t root_fraction(uint32_t p, int root)
{
	/* binary search on the 64-bit integer y with y^root <= p * 2^(32*root) */
	unsigned __int128 target = (unsigned __int128)p << (32 * root);
	uint64_t lo = 0, hi = (uint64_t)1 << 40;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		unsigned __int128 v = 1;
		for (int i = 0; i < root; i++)
			v *= mid;
		if (v <= target)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

void sha256_constants_init(void)
{
	int found = 0;
	for (uint32_t p = 2; found < 64; p++) {
		int prime = 1;
		for (uint32_t d = 2; d * d <= p; d++)
			if (p % d == 0) {
				prime = 0;
				break;
			}
		if (!prime)
			continue;
		if (found < 8)
			sha256_initial[found] = root_fraction(p, 2);
		round_k[found++] = root_fraction(p, 3);
	}
}

static uint32_t rotr(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void expand_schedule(uint32_t w[64], const uint8_t block[64])
{
	for (int i = 0; i < 16; i++)
		w[i] = load_be32(block + 4 * i);
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
}

void sha256_compress(uint32_t h[8], const uint8_t block[64])
{
	uint32_t w[64];
	expand_schedule(w, block);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
			      round_k[i] + w[i];
		uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}
