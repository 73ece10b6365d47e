/*
 * Encodes messages as a QR-code-like symbol would be: text split into
 * blocks, each given Reed-Solomon check bytes, interleaved and placed in a
 * 57x57 matrix with the best of eight masks. Each symbol's blocks are
 * then damaged and corrected, as a reader would.
 * usage: qrcode [SYMBOLS]   (default 1500)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"

static const int block_data = 68, block_ecc = 18, blocks_per_symbol = 4;
static const char *const words[] = {"http", "://", "example", ".org", "/path", "?id=",
				    "42",   "&q=",  "bare",    "flow", "-",     "QR"};

static uint32_t rng_state = 12345;
static uint32_t park_miller(void)
{
	rng_state = (uint32_t)((uint64_t)rng_state * 48271 % 2147483647);
	return rng_state;
}

static void make_text(uint8_t *text, int n)
{
	int len = 0;
	while (len < n) {
		const char *w = words[park_miller() % (sizeof words / sizeof words[0])];
		for (; *w && len < n; w++)
			text[len++] = (uint8_t)*w;
	}
}

static int damage_and_correct(uint8_t *code, int n, const uint8_t *orig)
{
	int errors = (int)(park_miller() % (block_ecc / 2 + 1));
	for (int e = 0; e < errors; e++)
		code[park_miller() % (uint32_t)n] ^= (uint8_t)(1 + park_miller() % 255);
	int fixed = rs_correct(code, n);
	return fixed >= 0 && memcmp(code, orig, (size_t)n) == 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	long symbols = argc > 1 ? atol(argv[1]) : 1500;
	if (symbols < 0) {
		fprintf(stderr, "usage: qrcode [SYMBOLS]\n");
		return 2;
	}
	gf_init();
	rs_init(block_ecc);
	int n = block_data + block_ecc, total = n * blocks_per_symbol;
	uint8_t *codes = malloc((size_t)total), *inter = malloc((size_t)total), work[256];
	static uint8_t grid[QR_SIZE][QR_SIZE];
	long ok = 0, mask_hist[8] = {0};
	uint32_t digest = 0;
	for (long s = 0; s < symbols; s++) {
		for (int b = 0; b < blocks_per_symbol; b++) {
			uint8_t *c = codes + b * n;
			make_text(c, block_data);
			rs_encode(c, block_data, c + block_data);
		}
		for (int i = 0; i < n; i++)
			for (int b = 0; b < blocks_per_symbol; b++)
				inter[i * blocks_per_symbol + b] = codes[b * n + i];
		qr_place(grid, inter, total);
		int penalty, m = qr_best_mask(grid, &penalty);
		mask_hist[m]++;
		digest = digest * 1000003u ^ (uint32_t)penalty;
		for (int r = 0; r < QR_SIZE; r += 7)
			digest = digest * 31 + grid[r][(r * 5) % QR_SIZE];
		for (int b = 0; b < blocks_per_symbol; b++) {
			memcpy(work, codes + b * n, (size_t)n);
			ok += damage_and_correct(work, n, codes + b * n);
		}
	}
	printf("qrcode: %ld symbols, %ld of %ld damaged blocks recovered, digest %08x\n", symbols,
	       ok, symbols * blocks_per_symbol, digest);
	printf("masks chosen:");
	for (int m = 0; m < 8; m++)
		printf(" %ld", mask_hist[m]);
	printf("\n");
	free(codes);
	free(inter);
	return 0;
}
