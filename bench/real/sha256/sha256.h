/* SHA-256 (FIPS 180-4) as a streaming hash, and HMAC-SHA-256 over it. */
#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint8_t block[64];
	size_t fill;
	uint64_t length;
};

void sha256_constants_init(void);
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, uint8_t digest[32]);
void sha256_compress(uint32_t h[8], const uint8_t block[64]);

void hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *msg, size_t n,
		 uint8_t mac[32]);
void pbkdf2_sha256(const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
		   int iterations, uint8_t out[32]);
