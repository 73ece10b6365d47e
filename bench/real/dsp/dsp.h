/* Fixed-point signal processing: CORDIC sine and cosine, biquad band-pass
 * filters designed from them, a FIR low-pass with decimation, and Goertzel
 * tone detection. Samples are Q15 (int16 scale), coefficients Q14. */
#include <stddef.h>
#include <stdint.h>

#define Q14 (1 << 14)
#define Q30 (1 << 30)

/* angle in units of 2^-32 turns; results Q30 */
void cordic_sincos(uint32_t angle, int32_t *sine, int32_t *cosine);
void cordic_init(void);

struct biquad {
	int32_t b0, b1, b2, a1, a2; /* Q14 */
	int32_t x1, x2, y1, y2;
};
void biquad_bandpass(struct biquad *f, uint32_t center_turns, int32_t q_times_16);
int32_t biquad_step(struct biquad *f, int32_t x);

#define FIR_TAPS 31
struct fir {
	int16_t taps[FIR_TAPS]; /* Q15 */
	int16_t history[FIR_TAPS];
	int pos;
};
void fir_lowpass(struct fir *f, uint32_t cutoff_turns);
size_t fir_decimate(struct fir *f, const int16_t *in, size_t n, int factor, int16_t *out);

int64_t goertzel_power(const int16_t *x, size_t n, uint32_t freq_turns);
