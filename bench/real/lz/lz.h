/* An LZ77 compressor with hash chains (greedy or lazy matching) and its
 * decompressor. Format: a token byte (literal count high nibble, match
 * length - 4 low nibble, 15 meaning more length bytes follow), literals,
 * a 16-bit little-endian offset, extra length bytes. */
#include <stddef.h>
#include <stdint.h>

#define LZ_WINDOW 65535
#define LZ_MIN_MATCH 4

struct lz_params {
	const char *name;
	int max_chain; /* candidates tried per position */
	int lazy;      /* look one byte ahead for a longer match */
};

size_t lz_bound(size_t n);
size_t lz_compress(const uint8_t *src, size_t n, uint8_t *dst, const struct lz_params *p);
/* Returns the decompressed size, or (size_t)-1 for corrupt input. */
size_t lz_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t cap);
