/* The S-box and its inverse, derived at start-up from arithmetic in
 * GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 rather than typed in. */
#include "aes.h"

uint8_t aes_sbox[256], aes_inv_sbox[256];
static const uint8_t reduce = 0x1b;
static const uint8_t affine_constant = 0x63;

static uint8_t xtime(uint8_t a)
{
	return (uint8_t)((a << 1) ^ (a & 0x80 ? reduce : 0));
}

uint8_t gf_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;
	while (b) {
		if (b & 1)
			r ^= a;
		a = xtime(a);
		b >>= 1;
	}
	return r;
}

/* a^254, which is a's inverse (and 0 for 0). */
static uint8_t gf_inverse(uint8_t a)
{
	uint8_t r = 1, p = a;
	for (int e = 254; e; e >>= 1) {
		if (e & 1)
			r = gf_mul(r, p);
		p = gf_mul(p, p);
	}
	return r;
}

static uint8_t rotl8(uint8_t x, int s)
{
	return (uint8_t)(x << s | x >> (8 - s));
}

void aes_tables_init(void)
{
	for (int i = 0; i < 256; i++) {
		uint8_t b = gf_inverse((uint8_t)i);
		uint8_t s = b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ affine_constant;
		aes_sbox[i] = s;
		aes_inv_sbox[s] = (uint8_t)i;
	}
}
