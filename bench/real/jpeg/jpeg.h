/* A baseline-JPEG-like codec: 8x8 integer DCT, quantization, zigzag order,
 * run-length symbols and canonical Huffman codes, on 4:4:4 YCbCr. */
#include <stddef.h>
#include <stdint.h>

void dct_init(void);
void fdct8x8(const int16_t in[64], int32_t out[64]);
void idct8x8(const int32_t in[64], int16_t out[64]);
extern const uint8_t zigzag[64];

struct bitwriter {
	uint8_t *buf;
	size_t pos, cap;
	uint32_t acc;
	int nbits;
};
struct bitreader {
	const uint8_t *buf;
	size_t pos, len;
	uint64_t acc;
	int nbits;
};
void bw_put(struct bitwriter *w, uint32_t bits, int n);
void bw_flush(struct bitwriter *w);
uint32_t br_peek(struct bitreader *r, int n);
void br_skip(struct bitreader *r, int n);
int br_get_signed(struct bitreader *r, int size);

#define HUFF_LOOKUP_BITS 9
struct huffman {
	uint8_t length[256];
	uint16_t code[256];
	/* decoding */
	int16_t lookup[1 << HUFF_LOOKUP_BITS]; /* symbol << 4 | length, or -1 */
	int32_t maxcode[17];
	int32_t valoffset[17];
	uint8_t symbols[256];
};
void huff_build(struct huffman *h, const uint32_t freq[256]);
void huff_from_lengths(struct huffman *h);
void huff_put(struct bitwriter *w, const struct huffman *h, int symbol);
int huff_get(struct bitreader *r, const struct huffman *h);

struct image {
	int width, height;
	uint8_t *rgb;
};
size_t jpeg_encode(const struct image *im, const uint8_t quality_table[64], uint8_t *out,
		   size_t cap);
void jpeg_decode(const uint8_t *data, size_t len, struct image *im);
