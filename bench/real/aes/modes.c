/* Block-cipher modes: CBC (both directions, in place) and CTR. */
#include <string.h>

#include "aes.h"

static void xor16(uint8_t *dst, const uint8_t *src)
{
	for (int i = 0; i < 16; i++)
		dst[i] ^= src[i];
}

void cbc_encrypt(const struct aes_key *k, uint8_t iv[16], uint8_t *buf, size_t nblocks)
{
	for (size_t b = 0; b < nblocks; b++) {
		uint8_t *blk = buf + 16 * b;
		xor16(blk, iv);
		aes_encrypt_block(k, blk, blk);
		memcpy(iv, blk, 16);
	}
}

void cbc_decrypt(const struct aes_key *k, uint8_t iv[16], uint8_t *buf, size_t nblocks)
{
	uint8_t saved[16];
	for (size_t b = 0; b < nblocks; b++) {
		uint8_t *blk = buf + 16 * b;
		memcpy(saved, blk, 16);
		aes_decrypt_block(k, blk, blk);
		xor16(blk, iv);
		memcpy(iv, saved, 16);
	}
}

static void counter_increment(uint8_t ctr[16])
{
	for (int i = 15; i >= 0 && !++ctr[i]; i--)
		;
}

void ctr_xor(const struct aes_key *k, const uint8_t nonce[16], uint8_t *buf, size_t n)
{
	uint8_t ctr[16], pad[16];
	memcpy(ctr, nonce, 16);
	for (size_t off = 0; off < n; off += 16) {
		aes_encrypt_block(k, ctr, pad);
		counter_increment(ctr);
		size_t m = n - off < 16 ? n - off : 16;
		for (size_t i = 0; i < m; i++)
			buf[off + i] ^= pad[i];
	}
}
