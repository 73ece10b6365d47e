/* Filter design and running: RBJ-cookbook band-pass biquads (constant
 * peak gain) and a Hamming-windowed sinc low-pass, all from CORDIC values
 * in integer arithmetic. */
#include "dsp.h"

static const int64_t pi_q30 = 3373259426; /* pi * 2^30 */
static const int32_t sample_max = 32767, sample_min = -32768;

static int32_t saturate16(int64_t v)
{
	return (int32_t)(v > sample_max ? sample_max : v < sample_min ? sample_min : v);
}

void biquad_bandpass(struct biquad *f, uint32_t center_turns, int32_t q_times_16)
{
	int32_t s, c;
	cordic_sincos(center_turns, &s, &c);
	int64_t alpha = (int64_t)s * 8 / q_times_16; /* sin / (2 Q), Q30 */
	int64_t a0 = Q30 + alpha;
	f->b0 = (int32_t)(alpha * Q14 / a0);
	f->b1 = 0;
	f->b2 = -f->b0;
	f->a1 = (int32_t)(-2 * (int64_t)c * Q14 / a0);
	f->a2 = (int32_t)((Q30 - alpha) * Q14 / a0);
	f->x1 = f->x2 = f->y1 = f->y2 = 0;
}

int32_t biquad_step(struct biquad *f, int32_t x)
{
	int64_t acc = (int64_t)f->b0 * x + (int64_t)f->b1 * f->x1 + (int64_t)f->b2 * f->x2 -
		      (int64_t)f->a1 * f->y1 - (int64_t)f->a2 * f->y2;
	int32_t y = saturate16(acc >> 14);
	f->x2 = f->x1;
	f->x1 = x;
	f->y2 = f->y1;
	f->y1 = y;
	return y;
}

void fir_lowpass(struct fir *f, uint32_t cutoff_turns)
{
	int64_t raw[FIR_TAPS], sum = 0;
	const int mid = FIR_TAPS / 2;
	for (int k = 0; k < FIR_TAPS; k++) {
		int n = k - mid;
		int64_t h;
		if (n == 0) {
			h = (int64_t)cutoff_turns >> 16; /* 2 fc in Q15: fc * 2^32 >> 17, times 2 */
		} else {
			int32_t s, c;
			cordic_sincos((uint32_t)((int64_t)cutoff_turns * n), &s, &c);
			h = (int64_t)s * 32768 / (pi_q30 * n); /* sin(2 pi fc n) / (pi n) */
		}
		int32_t ws, wc;
		cordic_sincos((uint32_t)(((uint64_t)k << 32) / (FIR_TAPS - 1)), &ws, &wc);
		int64_t window = (int64_t)(0.54 * Q30) - ((int64_t)(0.46 * Q30) * wc >> 30);
		raw[k] = h * window >> 30;
		sum += raw[k];
	}
	for (int k = 0; k < FIR_TAPS; k++) { /* unity gain at DC */
		f->taps[k] = (int16_t)(raw[k] * 32767 / sum);
		f->history[k] = 0;
	}
	f->pos = 0;
}

size_t fir_decimate(struct fir *f, const int16_t *in, size_t n, int factor, int16_t *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		f->history[f->pos] = in[i];
		f->pos = f->pos + 1 == FIR_TAPS ? 0 : f->pos + 1;
		if (i % (size_t)factor)
			continue;
		int64_t acc = 0;
		int h = f->pos;
		for (int k = 0; k < FIR_TAPS; k++) {
			acc += (int64_t)f->taps[k] * f->history[h];
			h = h + 1 == FIR_TAPS ? 0 : h + 1;
		}
		out[m++] = (int16_t)saturate16(acc >> 15);
	}
	return m;
}

int64_t goertzel_power(const int16_t *x, size_t n, uint32_t freq_turns)
{
	int32_t s, c;
	cordic_sincos(freq_turns, &s, &c);
	int64_t coeff = (int64_t)c >> 13; /* 2 cos(w) in Q16 */
	int64_t s1 = 0, s2 = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t s0 = x[i] + ((coeff * s1) >> 16) - s2;
		s2 = s1;
		s1 = s0;
	}
	return s1 * s1 + s2 * s2 - ((coeff * s1 >> 16) * s2);
}
