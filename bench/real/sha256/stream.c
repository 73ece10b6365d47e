/* Streaming SHA-256 (buffering, padding) and HMAC and PBKDF2 on top. */
#include <string.h>

#include "sha256.h"

extern uint32_t sha256_initial[8];

void sha256_init(struct sha256 *s)
{
	memcpy(s->h, sha256_initial, sizeof s->h);
	s->fill = 0;
	s->length = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	s->length += n;
	if (s->fill) {
		size_t k = 64 - s->fill < n ? 64 - s->fill : n;
		memcpy(s->block + s->fill, p, k);
		s->fill += k;
		p += k;
		n -= k;
		if (s->fill < 64)
			return;
		sha256_compress(s->h, s->block);
		s->fill = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		sha256_compress(s->h, p);
	memcpy(s->block, p, n);
	s->fill = n;
}

void sha256_final(struct sha256 *s, uint8_t digest[32])
{
	uint64_t bits = s->length * 8;
	uint8_t pad[72] = {0x80};
	size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (int i = 0; i < 8; i++) {
		digest[4 * i] = (uint8_t)(s->h[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		digest[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *msg, size_t n, uint8_t mac[32])
{
	uint8_t k[64] = {0}, ipad[64], opad[64], inner[32];
	struct sha256 s;
	if (keylen > 64) {
		sha256_init(&s);
		sha256_update(&s, key, keylen);
		sha256_final(&s, k);
	} else {
		memcpy(k, key, keylen);
	}
	for (int i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	sha256_init(&s);
	sha256_update(&s, ipad, 64);
	sha256_update(&s, msg, n);
	sha256_final(&s, inner);
	sha256_init(&s);
	sha256_update(&s, opad, 64);
	sha256_update(&s, inner, 32);
	sha256_final(&s, mac);
}

void pbkdf2_sha256(const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
		   int iterations, uint8_t out[32])
{
	uint8_t msg[128], u[32];
	size_t n = saltlen < 124 ? saltlen : 124;
	memcpy(msg, salt, n);
	msg[n] = msg[n + 1] = msg[n + 2] = 0;
	msg[n + 3] = 1; /* block index 1: one 32-byte output block */
	hmac_sha256(pw, pwlen, msg, n + 4, u);
	memcpy(out, u, 32);
	for (int i = 1; i < iterations; i++) {
		hmac_sha256(pw, pwlen, u, 32, u);
		for (int j = 0; j < 32; j++)
			out[j] ^= u[j];
	}
}
