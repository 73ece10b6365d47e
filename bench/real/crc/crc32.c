/* CRC-32 (the reflected 0xEDB88320 polynomial of zlib and Ethernet),
 * table-driven: one table for the byte-at-a-time loop and eight for
 * slicing-by-8, all computed once at start-up. */
#include "crc.h"

static const uint32_t poly = 0xEDB88320u;
static uint32_t slice[8][256];

void crc32_init(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? poly : 0);
		slice[0][b] = c;
	}
	for (int t = 1; t < 8; t++)
		for (int b = 0; b < 256; b++)
			slice[t][b] = (slice[t - 1][b] >> 8) ^ slice[0][slice[t - 1][b] & 0xff];
}

uint32_t crc32_update_bytewise(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--)
		crc = (crc >> 8) ^ slice[0][(crc ^ *p++) & 0xff];
	return crc;
}

static uint32_t load_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint32_t lo = load_le32(p) ^ crc, hi = load_le32(p + 4);
		crc = slice[7][lo & 0xff] ^ slice[6][(lo >> 8) & 0xff] ^
		      slice[5][(lo >> 16) & 0xff] ^ slice[4][lo >> 24] ^ slice[3][hi & 0xff] ^
		      slice[2][(hi >> 8) & 0xff] ^ slice[1][(hi >> 16) & 0xff] ^ slice[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	return crc32_update_bytewise(crc, p, n);
}

uint32_t crc32_finish(uint32_t crc)
{
	return ~crc;
}
