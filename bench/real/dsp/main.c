/*
 * A telephone line's receiver: a stream of DTMF key presses synthesized
 * with noise, run through a bank of eight band-pass biquads (one per
 * tone), a decimating low-pass FIR, and decoded key by key with Goertzel
 * detectors; prints the keys recognized and the band energies.
 * usage: dsp [KEYS]   (default 8000)
 */
#include <stdio.h>
#include <stdlib.h>

#include "dsp.h"

static const int sample_rate = 8000;
static int tone_samples = 320, gap_samples = 160;
static const int amplitude = 7000;
static const int row_hz[4] = {697, 770, 852, 941}, col_hz[4] = {1209, 1336, 1477, 1633};
static const char keypad[4][5] = {"123A", "456B", "789C", "*0#D"};

static uint32_t noise_state = 0xdeadbeef;
static int32_t noise(void)
{
	noise_state = noise_state * 1664525u + 1013904223u;
	return (int32_t)(noise_state >> 21) - 1024;
}

static uint32_t hz_to_turns(int hz)
{
	return (uint32_t)(((uint64_t)hz << 32) / (uint64_t)sample_rate);
}

static void synthesize(int16_t *out, int row, int col)
{
	uint32_t p1 = 0, p2 = 0, d1 = hz_to_turns(row_hz[row]), d2 = hz_to_turns(col_hz[col]);
	for (int i = 0; i < tone_samples + gap_samples; i++) {
		int32_t s1, s2, c;
		int64_t v = noise();
		if (i < tone_samples) {
			cordic_sincos(p1, &s1, &c);
			cordic_sincos(p2, &s2, &c);
			v += ((int64_t)s1 * amplitude + (int64_t)s2 * amplitude) >> 30;
		}
		out[i] = (int16_t)v;
		p1 += d1;
		p2 += d2;
	}
}

static int strongest(const int64_t *power, int n)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (power[i] > power[best])
			best = i;
	return best;
}

int main(int argc, char **argv)
{
	long keys = argc > 1 ? atol(argv[1]) : 8000;
	if (keys < 0) {
		fprintf(stderr, "usage: dsp [KEYS]\n");
		return 2;
	}
	cordic_init();
	static struct biquad bank[8];
	static struct fir lowpass;
	for (int b = 0; b < 8; b++)
		biquad_bandpass(&bank[b], hz_to_turns(b < 4 ? row_hz[b] : col_hz[b - 4]), 16 * 12);
	fir_lowpass(&lowpass, hz_to_turns(1000));
	int16_t block[480], decimated[480];
	int64_t energy[8] = {0};
	long correct = 0;
	uint32_t digest = 0, key_rng = 17;
	char shown[33] = {0};
	for (long k = 0; k < keys; k++) {
		key_rng = key_rng * 134775813u + 1u;
		int row = (int)(key_rng >> 28) & 3, col = (int)(key_rng >> 26) & 3;
		synthesize(block, row, col);
		for (int b = 0; b < 8; b++)
			for (int i = 0; i < tone_samples + gap_samples; i++) {
				int32_t y = biquad_step(&bank[b], block[i]);
				energy[b] += (int64_t)y * y >> 8;
			}
		size_t m = fir_decimate(&lowpass, block, (size_t)(tone_samples + gap_samples), 4, decimated);
		for (size_t i = 0; i < m; i++)
			digest = digest * 31 + (uint16_t)decimated[i];
		int64_t rp[4], cp[4];
		for (int i = 0; i < 4; i++) {
			rp[i] = goertzel_power(block, (size_t)tone_samples, hz_to_turns(row_hz[i]));
			cp[i] = goertzel_power(block, (size_t)tone_samples, hz_to_turns(col_hz[i]));
		}
		char got = keypad[strongest(rp, 4)][strongest(cp, 4)];
		correct += got == keypad[row][col];
		if (k < 32)
			shown[k] = got;
	}
	printf("dsp: %ld keys, %ld decoded correctly, first: %s\n", keys, correct, shown);
	printf("  band energies:");
	for (int b = 0; b < 8; b++)
		printf(" %lld", (long long)(energy[b] >> 10));
	printf("\n  decimated digest %08x\n", digest);
	return 0;
}
