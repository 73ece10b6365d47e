/* CRC-16/CCITT-FALSE (polynomial 0x1021, MSB first), the checksum of
 * XMODEM-like framing, with a table made at start-up. */
#include "crc.h"

static uint16_t table16[256];
static const uint16_t poly16 = 0x1021;

void crc16_init(void)
{
	for (int b = 0; b < 256; b++) {
		uint16_t c = (uint16_t)(b << 8);
		for (int k = 0; k < 8; k++)
			c = (uint16_t)(c & 0x8000 ? (c << 1) ^ poly16 : c << 1);
		table16[b] = c;
	}
}

uint32_t crc16_update(uint32_t crc, const uint8_t *p, size_t n)
{
	uint16_t c = (uint16_t)crc;
	for (size_t i = 0; i < n; i++)
		c = (uint16_t)((c << 8) ^ table16[((c >> 8) ^ p[i]) & 0xff]);
	return c;
}

uint32_t crc16_finish(uint32_t crc)
{
	return crc & 0xffff;
}
