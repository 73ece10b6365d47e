/*
 * An archiver's workload: documents made of a Markov chain over a word
 * list, mixed with tabular records, compressed at three settings and
 * decompressed, each round trip checked.
 * usage: lz [KILOBYTES [DOCUMENTS]]   (defaults 512 and 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lz.h"

static const struct lz_params levels[] = {
    {"fast", 4, 0},
    {"default", 32, 1},
    {"best", 256, 1},
};
static const char *const vocabulary[] = {
    "the",   "of",    "and",  "to",    "a",      "in",     "kernel", "page",  "table",
    "entry", "maps",  "each", "frame", "virtual", "address", "is",    "by",    "with",
    "for",   "that",  "when", "fault", "handler", "returns", "zero",  "error", "the",
};
enum { NWORDS = sizeof vocabulary / sizeof vocabulary[0] };
static uint8_t successor[NWORDS][4]; /* the words that may follow each word */

static uint32_t rand_state = 20261202;
static uint32_t rand_next(void)
{
	rand_state ^= rand_state << 7;
	rand_state ^= rand_state >> 9;
	return rand_state * 0x9e3779b9u >> 4;
}

static void make_chain(void)
{
	for (int w = 0; w < NWORDS; w++)
		for (int k = 0; k < 4; k++)
			successor[w][k] = (uint8_t)(rand_next() % NWORDS);
}

static size_t make_document(uint8_t *buf, size_t size)
{
	size_t len = 0;
	int w = 0;
	while (len + 64 < size) {
		if (rand_next() % 40 == 0) {
			len += (size_t)snprintf((char *)buf + len, 64, "\n%08u|%5u|%c%c|%u\n",
						rand_next() % 100000000, rand_next() % 65536,
						'A' + rand_next() % 26, 'A' + rand_next() % 26,
						rand_next() % 10);
			continue;
		}
		const char *s = vocabulary[w];
		size_t k = strlen(s);
		memcpy(buf + len, s, k);
		len += k;
		buf[len++] = rand_next() % 12 ? ' ' : '\n';
		w = successor[w][rand_next() % 4];
	}
	return len;
}

int main(int argc, char **argv)
{
	long kb = argc > 1 ? atol(argv[1]) : 512;
	long docs = argc > 2 ? atol(argv[2]) : 3;
	if (kb < 1 || docs < 0) {
		fprintf(stderr, "usage: lz [KILOBYTES [DOCUMENTS]]\n");
		return 2;
	}
	size_t size = (size_t)kb * 1024;
	uint8_t *src = malloc(size), *packed = malloc(lz_bound(size)), *back = malloc(size);
	make_chain();
	size_t total_in[3] = {0}, total_out[3] = {0};
	int bad = 0;
	uint32_t digest = 0;
	for (long d = 0; d < docs; d++) {
		size_t n = make_document(src, size);
		for (int l = 0; l < 3; l++) {
			size_t c = lz_compress(src, n, packed, &levels[l]);
			size_t u = lz_decompress(packed, c, back, size);
			bad += u != n || memcmp(back, src, n) != 0;
			total_in[l] += n;
			total_out[l] += c;
			digest = digest * 33 + (uint32_t)c;
		}
	}
	printf("lz: %ld documents, %d bad round trips, digest %08x\n", docs, bad, digest);
	for (int l = 0; l < 3; l++)
		printf("  %-8s %zu -> %zu bytes (%.1f%%)\n", levels[l].name, total_in[l], total_out[l],
		       total_in[l] ? 100.0 * (double)total_out[l] / (double)total_in[l] : 0.0);
	free(src);
	free(packed);
	free(back);
	return bad != 0;
}
