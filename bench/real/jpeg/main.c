/*
 * A photo viewer's workload: a synthetic picture (gradients, rings, noise)
 * compressed once, then decoded again and again as frames, each compared
 * with the original.
 * usage: jpeg [FRAMES [SIZE]]   (defaults 100 and 512; SIZE a multiple of 8)
 */
#include <stdio.h>
#include <stdlib.h>

#include "jpeg.h"

static uint8_t quality[64];
static const int base_step = 3;

/* Noise as a hash of the pixel's position (the 32-bit finalizer of MurmurHash3). */
static uint32_t position_hash(uint32_t x, uint32_t y)
{
	uint32_t h = x * 0x9e3779b1u + y * 0x85ebca77u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static void make_quality(void)
{
	for (int u = 0; u < 8; u++)
		for (int v = 0; v < 8; v++)
			quality[8 * u + v] = (uint8_t)(base_step + 2 * (u + v) + (u * v) / 3);
}

static void paint(struct image *im)
{
	int w = im->width, h = im->height;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint8_t *p = im->rgb + 3 * (y * w + x);
			int dx = x - w / 3, dy = y - h / 2, ring = ((dx * dx + dy * dy) >> 6) & 63;
			int noise = (int)(position_hash((uint32_t)x, (uint32_t)y) % 9) - 4;
			int r = x * 255 / w + noise, g = (ring * 4 + y / 3) & 255, b = (x ^ y) & 0xf0;
			p[0] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
			p[1] = (uint8_t)g;
			p[2] = (uint8_t)(b + (noise & 7));
		}
}

int main(int argc, char **argv)
{
	long frames = argc > 1 ? atol(argv[1]) : 100;
	int size = argc > 2 ? atoi(argv[2]) : 512;
	if (frames < 0 || size < 8 || size % 8 || size > 4096) {
		fprintf(stderr, "usage: jpeg [FRAMES [SIZE]]\n");
		return 2;
	}
	dct_init();
	make_quality();
	struct image src = {size, size, malloc((size_t)size * size * 3)};
	struct image dst = {0, 0, malloc((size_t)size * size * 3)};
	size_t cap = (size_t)size * size * 4 + 4096;
	uint8_t *stream = malloc(cap);
	paint(&src);
	size_t len = jpeg_encode(&src, quality, stream, cap);
	uint64_t err = 0;
	uint32_t digest = 0;
	for (long f = 0; f < frames; f++) {
		jpeg_decode(stream, len, &dst);
		for (size_t i = 0; i < (size_t)size * size * 3; i++) {
			int d = dst.rgb[i] - src.rgb[i];
			err += (uint64_t)(d * d);
		}
		digest = digest * 16777619u ^ dst.rgb[(size_t)(f * 7919) % ((size_t)size * size * 3)];
	}
	printf("jpeg: %dx%d, %zu bytes compressed (%.2f bits/pixel), %ld frames\n", size, size, len,
	       len * 8.0 / ((double)size * size), frames);
	printf("  mean squared error %.3f, digest %08x\n",
	       frames ? (double)err / ((double)frames * size * size * 3) : 0.0, digest);
	free(src.rgb);
	free(dst.rgb);
	free(stream);
	return 0;
}
