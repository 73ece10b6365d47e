/* The codec proper: colour conversion, blocks through the DCT and
 * quantizer, and their coefficients as Huffman-coded run/size symbols.
 * The encoder walks the image twice through one emitter, first counting
 * symbols (to build the codes) and then writing them. Stream: width,
 * height, two quantization tables, four code-length tables, the bits. */
#include <stdlib.h>
#include <string.h>

#include "jpeg.h"

enum { DC_LUMA, AC_LUMA, DC_CHROMA, AC_CHROMA, NTABLES };

struct sink {
	void (*symbol)(struct sink *s, int table, int symbol);
	void (*raw)(struct sink *s, uint32_t bits, int n);
	uint32_t freq[NTABLES][256];
	struct huffman *codes;
	struct bitwriter w;
};

static void count_symbol(struct sink *s, int table, int symbol)
{
	s->freq[table][symbol]++;
}
static void count_raw(struct sink *s, uint32_t bits, int n)
{
	(void)s, (void)bits, (void)n;
}
static void write_symbol(struct sink *s, int table, int symbol)
{
	huff_put(&s->w, &s->codes[table], symbol);
}
static void write_raw(struct sink *s, uint32_t bits, int n)
{
	bw_put(&s->w, bits, n);
}

static int magnitude_bits(int v)
{
	int a = v < 0 ? -v : v, n = 0;
	while (a) {
		n++;
		a >>= 1;
	}
	return n;
}

static void emit_value(struct sink *s, int v, int size)
{
	s->raw(s, (uint32_t)(v < 0 ? v + (1 << size) - 1 : v), size);
}

static void emit_block(struct sink *s, const int32_t q[64], int *pred, int chroma)
{
	int dc_table = chroma ? DC_CHROMA : DC_LUMA, ac_table = chroma ? AC_CHROMA : AC_LUMA;
	int diff = q[0] - *pred, size = magnitude_bits(diff), run = 0;
	*pred = q[0];
	s->symbol(s, dc_table, size);
	emit_value(s, diff, size);
	for (int k = 1; k < 64; k++) {
		int v = q[zigzag[k]];
		if (!v) {
			run++;
			continue;
		}
		for (; run > 15; run -= 16)
			s->symbol(s, ac_table, 0xf0);
		size = magnitude_bits(v);
		s->symbol(s, ac_table, run << 4 | size);
		emit_value(s, v, size);
		run = 0;
	}
	if (run)
		s->symbol(s, ac_table, 0x00);
}

static void rgb_to_ycc(const uint8_t *p, int16_t ycc[3])
{
	int r = p[0], g = p[1], b = p[2];
	ycc[0] = (int16_t)((77 * r + 150 * g + 29 * b) >> 8);
	ycc[1] = (int16_t)(((-43 * r - 85 * g + 128 * b) >> 8) + 128);
	ycc[2] = (int16_t)(((128 * r - 107 * g - 21 * b) >> 8) + 128);
}

static void walk_blocks(const struct image *im, const uint8_t quant[2][64], struct sink *s)
{
	int pred[3] = {0, 0, 0};
	for (int by = 0; by < im->height; by += 8)
		for (int bx = 0; bx < im->width; bx += 8) {
			int16_t block[3][64];
			for (int i = 0; i < 64; i++) {
				int16_t ycc[3];
				rgb_to_ycc(im->rgb + 3 * ((by + i / 8) * im->width + bx + i % 8), ycc);
				for (int c = 0; c < 3; c++)
					block[c][i] = ycc[c];
			}
			for (int c = 0; c < 3; c++) {
				int32_t coef[64];
				fdct8x8(block[c], coef);
				for (int i = 0; i < 64; i++) {
					int qv = quant[c > 0][i], v = coef[i];
					coef[i] = v >= 0 ? (v + qv / 2) / qv : -((-v + qv / 2) / qv);
				}
				emit_block(s, coef, &pred[c], c > 0);
			}
		}
}

size_t jpeg_encode(const struct image *im, const uint8_t quality_table[64], uint8_t *out,
		   size_t cap)
{
	static struct huffman codes[NTABLES];
	static struct sink s;
	uint8_t quant[2][64];
	for (int i = 0; i < 64; i++) {
		quant[0][i] = quality_table[i];
		quant[1][i] = (uint8_t)(quality_table[i] * 3 / 2 > 255 ? 255 : quality_table[i] * 3 / 2);
	}
	memset(&s, 0, sizeof s);
	s.symbol = count_symbol;
	s.raw = count_raw;
	walk_blocks(im, quant, &s);
	for (int t = 0; t < NTABLES; t++)
		huff_build(&codes[t], s.freq[t]);
	out[0] = (uint8_t)(im->width >> 8), out[1] = (uint8_t)im->width;
	out[2] = (uint8_t)(im->height >> 8), out[3] = (uint8_t)im->height;
	memcpy(out + 4, quant, 128);
	for (int t = 0; t < NTABLES; t++)
		memcpy(out + 132 + 256 * t, codes[t].length, 256);
	size_t header = 132 + 256 * NTABLES;
	s.symbol = write_symbol;
	s.raw = write_raw;
	s.codes = codes;
	s.w = (struct bitwriter){out + header, 0, cap - header, 0, 0};
	walk_blocks(im, quant, &s);
	bw_flush(&s.w);
	return header + s.w.pos;
}

static void decode_block(struct bitreader *r, const struct huffman *dc, const struct huffman *ac,
			 const uint8_t quant[64], int *pred, int16_t out[64])
{
	int32_t coef[64] = {0};
	int size = huff_get(r, dc);
	*pred += br_get_signed(r, size);
	coef[0] = *pred * quant[0];
	for (int k = 1; k < 64;) {
		int sym = huff_get(r, ac);
		if (sym == 0x00)
			break;
		k += sym >> 4;
		size = sym & 15;
		if (k > 63)
			break;
		if (size) {
			int z = zigzag[k];
			coef[z] = br_get_signed(r, size) * quant[z];
		}
		k++;
	}
	idct8x8(coef, out);
}

static uint8_t clamp8(int v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static void ycc_to_rgb(int y, int cb, int cr, uint8_t *p)
{
	cb -= 128;
	cr -= 128;
	p[0] = clamp8(y + ((359 * cr) >> 8));
	p[1] = clamp8(y - ((88 * cb + 183 * cr) >> 8));
	p[2] = clamp8(y + ((454 * cb) >> 8));
}

void jpeg_decode(const uint8_t *data, size_t len, struct image *im)
{
	static struct huffman codes[NTABLES];
	const uint8_t(*quant)[64] = (const uint8_t(*)[64])(data + 4);
	im->width = data[0] << 8 | data[1];
	im->height = data[2] << 8 | data[3];
	for (int t = 0; t < NTABLES; t++) {
		memcpy(codes[t].length, data + 132 + 256 * t, 256);
		huff_from_lengths(&codes[t]);
	}
	size_t header = 132 + 256 * NTABLES;
	struct bitreader r = {data + header, 0, len - header, 0, 0};
	int pred[3] = {0, 0, 0};
	for (int by = 0; by < im->height; by += 8)
		for (int bx = 0; bx < im->width; bx += 8) {
			int16_t block[3][64];
			for (int c = 0; c < 3; c++)
				decode_block(&r, &codes[c ? DC_CHROMA : DC_LUMA],
					     &codes[c ? AC_CHROMA : AC_LUMA], quant[c > 0], &pred[c],
					     block[c]);
			for (int i = 0; i < 64; i++)
				ycc_to_rgb(block[0][i], block[1][i], block[2][i],
					   im->rgb + 3 * ((by + i / 8) * im->width + bx + i % 8));
		}
}
