/* The decompressor, checking every length and offset against its buffers. */
#include <string.h>

#include "lz.h"

static int get_length(const uint8_t **p, const uint8_t *end, size_t *len)
{
	uint8_t b;
	do {
		if (*p >= end)
			return -1;
		b = *(*p)++;
		*len += b;
	} while (b == 255);
	return 0;
}

size_t lz_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
	const uint8_t *p = src, *end = src + n;
	size_t out = 0;
	while (p < end) {
		uint8_t token = *p++;
		size_t nlit = token >> 4, mlen = token & 15;
		if (nlit == 15 && get_length(&p, end, &nlit) < 0)
			return (size_t)-1;
		if (nlit > (size_t)(end - p) || nlit > cap - out)
			return (size_t)-1;
		memcpy(dst + out, p, nlit);
		p += nlit;
		out += nlit;
		if (p == end)
			break;
		if (end - p < 2)
			return (size_t)-1;
		size_t off = p[0] | (size_t)p[1] << 8;
		p += 2;
		if (mlen == 15 && get_length(&p, end, &mlen) < 0)
			return (size_t)-1;
		mlen += LZ_MIN_MATCH;
		if (!off || off > out || mlen > cap - out)
			return (size_t)-1;
		const uint8_t *from = dst + out - off;
		for (size_t k = 0; k < mlen; k++) /* may overlap: byte by byte */
			dst[out + k] = from[k];
		out += mlen;
	}
	return out;
}
