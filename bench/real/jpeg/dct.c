/* The separable 8x8 DCT-II and its inverse in 12-bit fixed point, the
 * basis built from cos(k pi / 16) for k = 0..8, rounded to 4096ths. */
#include "jpeg.h"

static const int32_t cos16[9] = {4096, 4017, 3784, 3406, 2896, 2276, 1567, 799, 0};
static const int32_t inv_sqrt2 = 2896;
static int32_t basis[8][8]; /* basis[u][x] = c(u) cos((2x + 1) u pi / 16), times 4096 */

const uint8_t zigzag[64] = {0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,
			    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28,
			    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
			    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

static int32_t cos_pi16(int k)
{
	k %= 32;
	if (k > 16)
		k = 32 - k;
	return k <= 8 ? cos16[k] : -cos16[16 - k];
}

void dct_init(void)
{
	for (int u = 0; u < 8; u++)
		for (int x = 0; x < 8; x++) {
			int32_t c = cos_pi16((2 * x + 1) * u);
			basis[u][x] = u ? c : (c * inv_sqrt2 + 2048) >> 12;
		}
}

static void fdct_1d(const int32_t *in, int stride, int32_t *out, int ostride)
{
	for (int u = 0; u < 8; u++) {
		int64_t s = 0;
		for (int x = 0; x < 8; x++)
			s += (int64_t)basis[u][x] * in[x * stride];
		out[u * ostride] = (int32_t)((s + 4096) >> 13);
	}
}

static void idct_1d(const int32_t *in, int stride, int32_t *out, int ostride)
{
	for (int x = 0; x < 8; x++) {
		int64_t s = 0;
		for (int u = 0; u < 8; u++)
			s += (int64_t)basis[u][x] * in[u * stride];
		out[x * ostride] = (int32_t)((s + 4096) >> 13);
	}
}

void fdct8x8(const int16_t in[64], int32_t out[64])
{
	int32_t a[64], t[64];
	for (int i = 0; i < 64; i++)
		a[i] = (in[i] - 128) * 8; /* three extra bits of precision */
	for (int r = 0; r < 8; r++)
		fdct_1d(a + 8 * r, 1, t + 8 * r, 1);
	for (int c = 0; c < 8; c++)
		fdct_1d(t + c, 8, out + c, 8);
	for (int i = 0; i < 64; i++)
		out[i] = (out[i] + 4) >> 3;
}

static int16_t clamp255(int32_t v)
{
	return (int16_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

void idct8x8(const int32_t in[64], int16_t out[64])
{
	int32_t a[64], t[64], o[64];
	for (int i = 0; i < 64; i++)
		a[i] = in[i] * 8;
	for (int c = 0; c < 8; c++)
		idct_1d(a + c, 8, t + c, 8);
	for (int r = 0; r < 8; r++)
		idct_1d(t + 8 * r, 1, o + 8 * r, 1);
	for (int i = 0; i < 64; i++)
		out[i] = clamp255(((o[i] + 4) >> 3) + 128);
}
