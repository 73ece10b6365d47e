/* The module matrix: data bits laid in two-column zigzags from the bottom
 * right, skipping three finder squares, then each of the eight masks tried
 * and scored with QR's four penalty rules. */
#include <string.h>

#include "qr.h"

static int mask0(int r, int c) { return (r + c) % 2 == 0; }
static int mask1(int r, int c) { (void)c; return r % 2 == 0; }
static int mask2(int r, int c) { (void)r; return c % 3 == 0; }
static int mask3(int r, int c) { return (r + c) % 3 == 0; }
static int mask4(int r, int c) { return (r / 2 + c / 3) % 2 == 0; }
static int mask5(int r, int c) { return r * c % 2 + r * c % 3 == 0; }
static int mask6(int r, int c) { return (r * c % 2 + r * c % 3) % 2 == 0; }
static int mask7(int r, int c) { return ((r + c) % 2 + r * c % 3) % 2 == 0; }
static const mask_fn masks[8] = {mask0, mask1, mask2, mask3, mask4, mask5, mask6, mask7};

static int is_function_module(int r, int c)
{
	int near = QR_SIZE - 8;
	return (r < 9 && c < 9) || (r < 9 && c >= near) || (r >= near && c < 9) || r == 6 ||
	       c == 6;
}

static void draw_finders(uint8_t g[QR_SIZE][QR_SIZE])
{
	static const int corners[3][2] = {{0, 0}, {0, QR_SIZE - 7}, {QR_SIZE - 7, 0}};
	for (int k = 0; k < 3; k++)
		for (int r = 0; r < 7; r++)
			for (int c = 0; c < 7; c++) {
				int ring = r == 0 || r == 6 || c == 0 || c == 6;
				int core = r >= 2 && r <= 4 && c >= 2 && c <= 4;
				g[corners[k][0] + r][corners[k][1] + c] = (uint8_t)(ring || core);
			}
	for (int i = 8; i < QR_SIZE - 8; i++)
		g[6][i] = g[i][6] = (uint8_t)(i % 2 == 0);
}

void qr_place(uint8_t g[QR_SIZE][QR_SIZE], const uint8_t *bytes, int n)
{
	memset(g, 0, QR_SIZE * QR_SIZE);
	draw_finders(g);
	int bit = 0, upward = 1;
	for (int right = QR_SIZE - 1; right > 0; right -= 2) {
		if (right == 6)
			right--;
		for (int i = 0; i < QR_SIZE; i++) {
			int r = upward ? QR_SIZE - 1 - i : i;
			for (int dc = 0; dc < 2; dc++) {
				int c = right - dc;
				if (is_function_module(r, c))
					continue;
				int v = bit < 8 * n ? bytes[bit / 8] >> (7 - bit % 8) & 1 : 0;
				g[r][c] = (uint8_t)v;
				bit++;
			}
		}
		upward = !upward;
	}
}

static int penalty_runs(uint8_t g[QR_SIZE][QR_SIZE])
{
	int p = 0;
	for (int dir = 0; dir < 2; dir++)
		for (int i = 0; i < QR_SIZE; i++) {
			int run = 1;
			for (int j = 1; j < QR_SIZE; j++) {
				uint8_t a = dir ? g[j][i] : g[i][j], b = dir ? g[j - 1][i] : g[i][j - 1];
				if (a == b) {
					run++;
				} else {
					if (run >= 5)
						p += run - 2;
					run = 1;
				}
			}
			if (run >= 5)
				p += run - 2;
		}
	return p;
}

static int penalty_blocks(uint8_t g[QR_SIZE][QR_SIZE])
{
	int p = 0;
	for (int r = 0; r + 1 < QR_SIZE; r++)
		for (int c = 0; c + 1 < QR_SIZE; c++)
			if (g[r][c] == g[r + 1][c] && g[r][c] == g[r][c + 1] &&
			    g[r][c] == g[r + 1][c + 1])
				p += 3;
	return p;
}

static int penalty_finder_like(uint8_t g[QR_SIZE][QR_SIZE])
{
	static const uint8_t pattern[11] = {1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0};
	int p = 0;
	for (int i = 0; i < QR_SIZE; i++)
		for (int j = 0; j + 11 <= QR_SIZE; j++) {
			int row = 1, col = 1;
			for (int k = 0; k < 11; k++) {
				row &= g[i][j + k] == pattern[k];
				col &= g[j + k][i] == pattern[k];
			}
			p += 40 * (row + col);
		}
	return p;
}

static int penalty_balance(uint8_t g[QR_SIZE][QR_SIZE])
{
	int dark = 0;
	for (int r = 0; r < QR_SIZE; r++)
		for (int c = 0; c < QR_SIZE; c++)
			dark += g[r][c];
	int percent = dark * 100 / (QR_SIZE * QR_SIZE);
	int off = percent > 50 ? percent - 50 : 50 - percent;
	return off / 5 * 10;
}

static void apply_mask(uint8_t g[QR_SIZE][QR_SIZE], mask_fn m)
{
	for (int r = 0; r < QR_SIZE; r++)
		for (int c = 0; c < QR_SIZE; c++)
			if (!is_function_module(r, c) && m(r, c))
				g[r][c] ^= 1;
}

/* Leaves the best-masked matrix in g; returns the mask's number. */
int qr_best_mask(uint8_t g[QR_SIZE][QR_SIZE], int *penalty)
{
	static uint8_t trial[QR_SIZE][QR_SIZE];
	int best = -1, best_p = 0;
	for (int m = 0; m < 8; m++) {
		memcpy(trial, g, sizeof trial);
		apply_mask(trial, masks[m]);
		int p = penalty_runs(trial) + penalty_blocks(trial) + penalty_finder_like(trial) +
			penalty_balance(trial);
		if (best < 0 || p < best_p) {
			best = m;
			best_p = p;
		}
	}
	apply_mask(g, masks[best]);
	*penalty = best_p;
	return best;
}
