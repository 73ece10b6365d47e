/* CORDIC in rotation mode: the angle driven to zero by rotations of
 * atan(2^-i), i = 0..29. The table of those angles and the gain are
 * computed at start-up in integer arithmetic: atan by its Taylor series,
 * the gain as the square root of a product. */
#include "dsp.h"

#define ITERATIONS 30
static int64_t atan_table[ITERATIONS]; /* in 2^-32 turns */
static int64_t gain_inverse;           /* Q30, prod 1 / sqrt(1 + 2^-2i) */
static const int64_t quarter_turn = (int64_t)1 << 30, half_turn = (int64_t)1 << 31;
static const uint64_t turns_per_radian_q64 = 2935890503282001226ull; /* 2^64 / (2 pi) */

/* atan(2^-i) in Q62 radians, i >= 1: t - t^3/3 + t^5/5 - ... */
static __int128 atan_pow2_q62(int i)
{
	__int128 t = (__int128)1 << (62 - i), term = t, sum = 0;
	for (int k = 0; term; k++) {
		sum += (k & 1 ? -term : term) / (2 * k + 1);
		term = (term >> i) >> i;
	}
	return sum;
}

static uint64_t isqrt128(unsigned __int128 v)
{
	uint64_t r = 0;
	for (int b = 63; b >= 0; b--) {
		uint64_t c = r | (uint64_t)1 << b;
		if ((unsigned __int128)c * c <= v)
			r = c;
	}
	return r;
}

void cordic_init(void)
{
	atan_table[0] = half_turn / 4; /* atan(1) = pi / 4 */
	for (int i = 1; i < ITERATIONS; i++) {
		unsigned __int128 rad = (unsigned __int128)atan_pow2_q62(i); /* Q62 */
		/* turns * 2^32 = rad * 2^-62 * 2^64 / (2 pi) * 2^-32 */
		atan_table[i] = (int64_t)((rad * (turns_per_radian_q64 >> 32)) >> 62);
	}
	/* prod 1 / (1 + 2^-2i) in Q60, then its square root in Q30 */
	unsigned __int128 p = (unsigned __int128)1 << 60;
	for (int i = 0; i < ITERATIONS; i++)
		p = (p << 30) / (((unsigned __int128)1 << 30) + (((unsigned __int128)1 << 30) >> (2 * i)));
	gain_inverse = (int64_t)isqrt128(p);
}

void cordic_sincos(uint32_t angle, int32_t *sine, int32_t *cosine)
{
	int64_t a = angle, sign = 1;
	if (a >= half_turn)
		a -= 2 * half_turn;
	if (a > quarter_turn) { /* fold into [-1/4, 1/4] turn */
		a -= half_turn;
		sign = -1;
	} else if (a < -quarter_turn) {
		a += half_turn;
		sign = -1;
	}
	int64_t x = gain_inverse, y = 0;
	for (int i = 0; i < ITERATIONS; i++) {
		int64_t nx, ny;
		if (a >= 0) {
			nx = x - (y >> i);
			ny = y + (x >> i);
			a -= atan_table[i];
		} else {
			nx = x + (y >> i);
			ny = y - (x >> i);
			a += atan_table[i];
		}
		x = nx;
		y = ny;
	}
	*cosine = (int32_t)(sign * x);
	*sine = (int32_t)(sign * y);
}
