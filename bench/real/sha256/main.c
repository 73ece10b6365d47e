/*
 * Hashing as a package manager or a login server does it: SHA-256 of many
 * files of varied sizes fed in odd-sized pieces, and PBKDF2 password
 * hashes. Checks the "abc" test vector first.
 * usage: sha256 [MEGABYTES [PASSWORDS]]   (defaults 160 and 100)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static const char abc_digest[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const int pbkdf2_iterations = 1000;
static const size_t max_file = 1 << 17;

static uint64_t sm_state = 0x9e3779b97f4a7c15ull;
static uint64_t splitmix64(void)
{
	uint64_t z = (sm_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void hex(const uint8_t *d, int n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = 0;
}

static void hash_file(const uint8_t *data, size_t n, uint8_t digest[32])
{
	struct sha256 s;
	sha256_init(&s);
	size_t off = 0;
	while (off < n) {
		size_t piece = 1 + splitmix64() % 3000;
		if (piece > n - off)
			piece = n - off;
		sha256_update(&s, data + off, piece);
		off += piece;
	}
	sha256_final(&s, digest);
}

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 160;
	long passwords = argc > 2 ? atol(argv[2]) : 100;
	if (mb < 0 || passwords < 0) {
		fprintf(stderr, "usage: sha256 [MEGABYTES [PASSWORDS]]\n");
		return 2;
	}
	sha256_constants_init();
	uint8_t d[32], fold[32] = {0};
	char text[65];
	hash_file((const uint8_t *)"abc", 3, d);
	hex(d, 32, text);
	if (strcmp(text, abc_digest) != 0) {
		printf("sha256: test vector failed: %s\n", text);
		return 1;
	}
	uint8_t *data = malloc(max_file);
	for (size_t i = 0; i < max_file; i += 8) {
		uint64_t r = splitmix64();
		memcpy(data + i, &r, 8);
	}
	long files = 0;
	for (uint64_t done = 0; done < (uint64_t)mb << 20; files++) {
		size_t n = splitmix64() % max_file;
		data[splitmix64() % max_file] ^= 1;
		hash_file(data, n, d);
		for (int i = 0; i < 32; i++)
			fold[i] ^= d[i];
		done += n;
	}
	hex(fold, 32, text);
	printf("sha256: %ld files, xor of digests %s\n", files, text);
	for (long p = 0; p < passwords; p++) {
		char pw[32], salt[16];
		int pwlen = snprintf(pw, sizeof pw, "hunter%ld", p * 7919);
		memcpy(salt, &p, sizeof p);
		memcpy(salt + 8, "saltsalt", 8);
		pbkdf2_sha256((uint8_t *)pw, (size_t)pwlen, (uint8_t *)salt, 16, pbkdf2_iterations, d);
		for (int i = 0; i < 32; i++)
			fold[i] ^= d[i];
	}
	hex(fold, 32, text);
	printf("sha256: %ld passwords, xor of all %s\n", passwords, text);
	free(data);
	return 0;
}
