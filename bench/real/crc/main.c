/*
 * Checksums of many packets of varied length, as a network stack or an
 * archiver computes them: every algorithm over every packet, each through
 * its function pointers.
 * usage: crc [MEGABYTES]   (default 24)
 */
#include <stdio.h>
#include <stdlib.h>

#include "crc.h"

static const struct checksum algorithms[] = {
    {"crc32", crc32_init, crc32_update, 0xffffffffu, crc32_finish},
    {"crc32-bytewise", crc32_init, crc32_update_bytewise, 0xffffffffu, crc32_finish},
    {"crc16-ccitt", crc16_init, crc16_update, 0xffff, crc16_finish},
    {"adler32", sums_init, adler32_update, 1, sums_finish},
    {"fletcher32", sums_init, fletcher32_update, 0, sums_finish},
};
static const int nalgorithms = sizeof algorithms / sizeof algorithms[0];
static const size_t pool_size = 1 << 20;

/* A 64-bit linear congruential generator (Knuth's MMIX constants). */
static uint64_t lcg_state = 0x853c49e6748fea9bull;
static uint32_t lcg_next(void)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg_state >> 33);
}

static void fill_pool(uint8_t *pool)
{
	for (size_t i = 0; i < pool_size + 2048; i++)
		pool[i] = (uint8_t)(lcg_next() >> 7);
}

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 24;
	if (mb < 1) {
		fprintf(stderr, "usage: crc [MEGABYTES]\n");
		return 2;
	}
	uint8_t *pool = malloc(pool_size + 2048);
	if (!pool)
		return 1;
	fill_pool(pool);
	for (int a = 0; a < nalgorithms; a++)
		algorithms[a].init();

	uint32_t fold[8] = {0};
	long packets = 0;
	size_t done = 0, total = (size_t)mb << 20;
	while (done < total) {
		size_t len = 40 + lcg_next() % 1500;
		size_t off = lcg_next() % pool_size;
		for (int a = 0; a < nalgorithms; a++) {
			const struct checksum *c = &algorithms[a];
			uint32_t s = c->finish(c->update(c->start, pool + off, len));
			fold[a] = (fold[a] ^ s) * 0x01000193u + (uint32_t)len;
		}
		done += len;
		packets++;
	}
	printf("crc: %ld packets, %zu bytes\n", packets, done);
	for (int a = 0; a < nalgorithms; a++)
		printf("  %-15s %08x\n", algorithms[a].name, fold[a]);
	free(pool);
	return 0;
}
