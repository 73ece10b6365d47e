/* The AES-128 block cipher on a 16-byte column-major state. */
#include <string.h>

#include "aes.h"

static const uint8_t rcon[AES_ROUNDS] = {0x01, 0x02, 0x04, 0x08, 0x10,
					 0x20, 0x40, 0x80, 0x1b, 0x36};

void aes_expand_key(struct aes_key *k, const uint8_t key[16])
{
	uint8_t *w = &k->round_key[0][0];
	memcpy(w, key, 16);
	for (int i = 4; i < 4 * (AES_ROUNDS + 1); i++) {
		uint8_t t[4];
		memcpy(t, w + 4 * (i - 1), 4);
		if (i % 4 == 0) {
			uint8_t first = t[0];
			t[0] = aes_sbox[t[1]] ^ rcon[i / 4 - 1];
			t[1] = aes_sbox[t[2]];
			t[2] = aes_sbox[t[3]];
			t[3] = aes_sbox[first];
		}
		for (int j = 0; j < 4; j++)
			w[4 * i + j] = w[4 * (i - 4) + j] ^ t[j];
	}
}

static void add_round_key(uint8_t s[16], const uint8_t rk[16])
{
	for (int i = 0; i < 16; i++)
		s[i] ^= rk[i];
}

static void substitute(uint8_t s[16], const uint8_t box[256])
{
	for (int i = 0; i < 16; i++)
		s[i] = box[s[i]];
}

/* Row r moves left by r columns (right when decrypting). */
static void shift_rows(uint8_t s[16], int inverse)
{
	uint8_t t[16];
	for (int c = 0; c < 4; c++)
		for (int r = 0; r < 4; r++) {
			int from = inverse ? (c - r + 4) % 4 : (c + r) % 4;
			t[4 * c + r] = s[4 * from + r];
		}
	memcpy(s, t, 16);
}

static uint8_t xtime(uint8_t a)
{
	return (uint8_t)((a << 1) ^ (a & 0x80 ? 0x1b : 0));
}

static void mix_columns(uint8_t s[16])
{
	for (int c = 0; c < 4; c++) {
		uint8_t *col = s + 4 * c;
		uint8_t a0 = col[0], a1 = col[1], a2 = col[2], a3 = col[3];
		uint8_t all = a0 ^ a1 ^ a2 ^ a3;
		col[0] ^= all ^ xtime(a0 ^ a1);
		col[1] ^= all ^ xtime(a1 ^ a2);
		col[2] ^= all ^ xtime(a2 ^ a3);
		col[3] ^= all ^ xtime(a3 ^ a0);
	}
}

static void inv_mix_columns(uint8_t s[16])
{
	for (int c = 0; c < 4; c++) {
		uint8_t *col = s + 4 * c, a[4];
		memcpy(a, col, 4);
		for (int r = 0; r < 4; r++)
			col[r] = gf_mul(a[r], 14) ^ gf_mul(a[(r + 1) % 4], 11) ^
				 gf_mul(a[(r + 2) % 4], 13) ^ gf_mul(a[(r + 3) % 4], 9);
	}
}

void aes_encrypt_block(const struct aes_key *k, const uint8_t in[16], uint8_t out[16])
{
	uint8_t s[16];
	memcpy(s, in, 16);
	add_round_key(s, k->round_key[0]);
	for (int r = 1; r < AES_ROUNDS; r++) {
		substitute(s, aes_sbox);
		shift_rows(s, 0);
		mix_columns(s);
		add_round_key(s, k->round_key[r]);
	}
	substitute(s, aes_sbox);
	shift_rows(s, 0);
	add_round_key(s, k->round_key[AES_ROUNDS]);
	memcpy(out, s, 16);
}

void aes_decrypt_block(const struct aes_key *k, const uint8_t in[16], uint8_t out[16])
{
	uint8_t s[16];
	memcpy(s, in, 16);
	add_round_key(s, k->round_key[AES_ROUNDS]);
	for (int r = AES_ROUNDS - 1; r > 0; r--) {
		shift_rows(s, 1);
		substitute(s, aes_inv_sbox);
		add_round_key(s, k->round_key[r]);
		inv_mix_columns(s);
	}
	shift_rows(s, 1);
	substitute(s, aes_inv_sbox);
	add_round_key(s, k->round_key[0]);
	memcpy(out, s, 16);
}
