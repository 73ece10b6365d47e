/*
 * A file-encryption workload: records encrypted with AES-128 in CBC mode,
 * decrypted again and checked, then a CTR keystream over the lot; the key
 * changes every few records. Starts with the FIPS-197 test vector.
 * usage: aes [KILOBYTES]   (default 5120)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aes.h"

static const uint8_t fips_key[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
				     0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const uint8_t fips_plain[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				       0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
static const uint8_t fips_cipher[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
					0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
static const size_t record_size = 4096;
static int records_per_key = 8;

static uint32_t xs_state = 2463534242u;
static uint32_t xorshift32(void)
{
	xs_state ^= xs_state << 13;
	xs_state ^= xs_state >> 17;
	xs_state ^= xs_state << 5;
	return xs_state;
}

static void random_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)xorshift32();
}

static int self_test(void)
{
	struct aes_key k;
	uint8_t out[16], back[16];
	aes_expand_key(&k, fips_key);
	aes_encrypt_block(&k, fips_plain, out);
	aes_decrypt_block(&k, out, back);
	return memcmp(out, fips_cipher, 16) == 0 && memcmp(back, fips_plain, 16) == 0;
}

int main(int argc, char **argv)
{
	long kb = argc > 1 ? atol(argv[1]) : 5120;
	if (kb < 4) {
		fprintf(stderr, "usage: aes [KILOBYTES]\n");
		return 2;
	}
	aes_tables_init();
	if (!self_test()) {
		printf("aes: FIPS-197 test vector failed\n");
		return 1;
	}
	long nrecords = kb * 1024 / (long)record_size;
	uint8_t *plain = malloc(record_size), *buf = malloc(record_size);
	struct aes_key key;
	uint8_t iv[16], nonce[16], keybytes[16];
	uint32_t digest = 0;
	long bad = 0;
	for (long r = 0; r < nrecords; r++) {
		if (r % records_per_key == 0) {
			random_bytes(keybytes, 16);
			aes_expand_key(&key, keybytes);
		}
		random_bytes(plain, record_size);
		random_bytes(nonce, 16);
		memcpy(buf, plain, record_size);
		memcpy(iv, nonce, 16);
		cbc_encrypt(&key, iv, buf, record_size / 16);
		for (size_t i = 0; i < record_size; i += 61)
			digest = digest * 31 + buf[i];
		memcpy(iv, nonce, 16);
		cbc_decrypt(&key, iv, buf, record_size / 16);
		bad += memcmp(buf, plain, record_size) != 0;
		ctr_xor(&key, nonce, buf, record_size - (size_t)(r % 16));
		digest ^= (uint32_t)buf[r % record_size] << (r % 24);
	}
	printf("aes: self-test ok, %ld records of %zu bytes, %ld bad round trips, digest %08x\n",
	       nrecords, record_size, bad, digest);
	free(plain);
	free(buf);
	return bad != 0;
}
