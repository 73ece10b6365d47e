/* AES-128 (FIPS-197): tables, the block cipher, and the CBC and CTR modes. */
#include <stddef.h>
#include <stdint.h>

#define AES_ROUNDS 10

struct aes_key {
	uint8_t round_key[AES_ROUNDS + 1][16];
};

extern uint8_t aes_sbox[256], aes_inv_sbox[256];
void aes_tables_init(void);
uint8_t gf_mul(uint8_t a, uint8_t b);

void aes_expand_key(struct aes_key *k, const uint8_t key[16]);
void aes_encrypt_block(const struct aes_key *k, const uint8_t in[16], uint8_t out[16]);
void aes_decrypt_block(const struct aes_key *k, const uint8_t in[16], uint8_t out[16]);

typedef void (*block_fn)(const struct aes_key *k, const uint8_t in[16], uint8_t out[16]);
void cbc_encrypt(const struct aes_key *k, uint8_t iv[16], uint8_t *buf, size_t nblocks);
void cbc_decrypt(const struct aes_key *k, uint8_t iv[16], uint8_t *buf, size_t nblocks);
void ctr_xor(const struct aes_key *k, const uint8_t nonce[16], uint8_t *buf, size_t n);
