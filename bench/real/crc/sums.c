/* Additive checksums: Adler-32 (zlib) and Fletcher-32 over 16-bit words,
 * both deferring the modulo as long as the sums cannot overflow. */
#include "crc.h"

static const uint32_t adler_mod = 65521;
static size_t adler_block = 5552; /* the most bytes before a sum can overflow */

void sums_init(void)
{
}

uint32_t adler32_update(uint32_t s, const uint8_t *p, size_t n)
{
	uint32_t a = s & 0xffff, b = s >> 16;
	while (n) {
		size_t k = n < adler_block ? n : adler_block;
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= adler_mod;
		b %= adler_mod;
	}
	return b << 16 | a;
}

uint32_t fletcher32_update(uint32_t s, const uint8_t *p, size_t n)
{
	uint32_t a = s & 0xffff, b = s >> 16;
	size_t words = n / 2;
	while (words) {
		size_t k = words < 359 ? words : 359;
		words -= k;
		while (k--) {
			a += (uint32_t)p[0] | (uint32_t)p[1] << 8;
			b += a;
			p += 2;
		}
		a = (a & 0xffff) + (a >> 16);
		b = (b & 0xffff) + (b >> 16);
	}
	if (n & 1) {
		a += *p;
		b += a;
	}
	a = (a & 0xffff) + (a >> 16);
	b = (b & 0xffff) + (b >> 16);
	return b << 16 | a;
}

uint32_t sums_finish(uint32_t s)
{
	return s;
}
