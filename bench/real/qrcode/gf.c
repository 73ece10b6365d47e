/* GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11d, QR's field), with
 * logarithm and antilogarithm tables of the generator 2. */
#include "qr.h"

static const int field_poly = 0x11d;
static uint8_t antilog[512];
static int logarithm[256];

void gf_init(void)
{
	int x = 1;
	for (int i = 0; i < 255; i++) {
		antilog[i] = (uint8_t)x;
		logarithm[x] = i;
		x <<= 1;
		if (x & 0x100)
			x ^= field_poly;
	}
	for (int i = 255; i < 512; i++)
		antilog[i] = antilog[i - 255];
}

uint8_t gf_mul(uint8_t a, uint8_t b)
{
	if (!a || !b)
		return 0;
	return antilog[logarithm[a] + logarithm[b]];
}

uint8_t gf_div(uint8_t a, uint8_t b)
{
	if (!a)
		return 0;
	return antilog[logarithm[a] + 255 - logarithm[b]];
}

uint8_t gf_pow_alpha(int e)
{
	e %= 255;
	return antilog[e < 0 ? e + 255 : e];
}

uint8_t gf_inv(uint8_t a)
{
	return antilog[255 - logarithm[a]];
}
