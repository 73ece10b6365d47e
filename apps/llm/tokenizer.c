/*
 * The tokenizer: llama2.c's tokenizer.bin (an int, the longest piece in
 * bytes; then for each token a float score, an int length and that many
 * bytes), byte-pair encoding of a prompt, and the decoding of one token.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* qsort_r */
#endif
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm.h"

#define FIRST_BYTE 3 /* tokens 3..258 stand for the raw bytes 0..255 */

/* Order of two byte strings: bytes first, then length. */
static int cmp_bytes(const char *a, int na, const char *b, int nb)
{
	int r = memcmp(a, b, na < nb ? na : nb);
	return r ? r : (na > nb) - (na < nb);
}

static int cmp_ids(const void *pa, const void *pb, void *arg)
{
	const struct llm_tokenizer *t = arg;
	int a = *(const int *)pa, b = *(const int *)pb;
	int r = cmp_bytes(t->piece[a], t->len[a], t->piece[b], t->len[b]);
	return r ? r : (a > b) - (a < b);
}

/* The token whose piece is exactly s[0..n), or -1. */
static int lookup(const struct llm_tokenizer *t, const char *s, int n)
{
	int lo = 0, hi = t->vocab_size - 1, found = -1;
	while (lo <= hi) { /* the first match in sorted order: the lowest id */
		int mid = lo + (hi - lo) / 2, id = t->sorted[mid];
		int r = cmp_bytes(t->piece[id], t->len[id], s, n);
		if (r < 0) {
			lo = mid + 1;
		} else {
			if (r == 0)
				found = id;
			hi = mid - 1;
		}
	}
	return found;
}

static int bad(const char *path, const char *why, int token)
{
	if (token >= 0)
		fprintf(stderr, "llm: tokenizer %s: %s at token %d\n", path, why, token);
	else
		fprintf(stderr, "llm: tokenizer %s: %s\n", path, why);
	return -1;
}

/* Read the whole file into *data (NUL-terminated for safety); its size in *size. */
static int read_file(const char *path, char **data, long *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "llm: cannot open tokenizer %s: %s\n", path, strerror(errno));
		return -1;
	}
	*data = NULL;
	*size = 0;
	long cap = 0;
	for (;;) {
		if (*size == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			char *p = realloc(*data, cap + 1);
			if (!p) {
				fclose(f);
				return bad(path, "out of memory", -1);
			}
			*data = p;
		}
		size_t got = fread(*data + *size, 1, cap - *size, f);
		*size += got;
		if (got == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err)
		return bad(path, "read error", -1);
	return 0;
}

int llm_tokenizer_load(struct llm_tokenizer *t, const char *path, int vocab_size)
{
	memset(t, 0, sizeof(*t));
	char *data;
	long size, off = 4;
	if (read_file(path, &data, &size) < 0)
		return -1;
	int rc = -1;
	if (size < 4) {
		bad(path, "too short for its header", -1);
		goto out;
	}
	memcpy(&t->max_len, data, 4);
	if (t->max_len <= 0 || t->max_len > (1 << 16)) {
		fprintf(stderr, "llm: tokenizer %s: implausible longest piece %d: not a tokenizer.bin\n",
			path, t->max_len);
		goto out;
	}
	t->vocab_size = vocab_size;
	t->piece = calloc(vocab_size, sizeof(*t->piece));
	t->len = calloc(vocab_size, sizeof(*t->len));
	t->score = calloc(vocab_size, sizeof(*t->score));
	t->sorted = calloc(vocab_size, sizeof(*t->sorted));
	t->mem = malloc(size + vocab_size); /* each piece and its NUL */
	if (!t->piece || !t->len || !t->score || !t->sorted || !t->mem) {
		bad(path, "out of memory", -1);
		goto out;
	}
	char *dst = t->mem;
	for (int i = 0; i < vocab_size; i++) {
		uint32_t bits;
		if (size - off < 8) {
			fprintf(stderr, "llm: tokenizer %s: truncated at token %d of the model's %d\n", path,
				i, vocab_size);
			goto out;
		}
		memcpy(&t->score[i], data + off, 4);
		memcpy(&bits, data + off, 4);
		memcpy(&t->len[i], data + off + 4, 4);
		off += 8;
		if ((bits & 0x7f800000u) == 0x7f800000u) {
			bad(path, "a score that is not a finite number", i);
			goto out;
		}
		if (t->len[i] < 0 || t->len[i] > t->max_len) {
			bad(path, "a piece length outside 0..the longest piece", i);
			goto out;
		}
		if (size - off < t->len[i]) {
			fprintf(stderr, "llm: tokenizer %s: truncated at token %d of the model's %d\n", path,
				i, vocab_size);
			goto out;
		}
		t->piece[i] = dst;
		memcpy(dst, data + off, t->len[i]);
		dst[t->len[i]] = 0;
		dst += t->len[i] + 1;
		off += t->len[i];
		t->sorted[i] = i;
	}
	qsort_r(t->sorted, vocab_size, sizeof(int), cmp_ids, t);
	for (int b = 0; b < 256; b++)
		t->byte[b][0] = (char)b;
	rc = 0;
out:
	free(data);
	if (rc < 0)
		llm_tokenizer_free(t);
	return rc;
}

void llm_tokenizer_free(struct llm_tokenizer *t)
{
	free(t->piece);
	free(t->len);
	free(t->score);
	free(t->sorted);
	free(t->mem);
	memset(t, 0, sizeof(*t));
}

/* The token of one character (its UTF-8 bytes), or its bytes' own tokens. */
static void push_char(const struct llm_tokenizer *t, const char *s, int n, int *tokens, int *count)
{
	int id = lookup(t, s, n);
	if (id >= 0) {
		tokens[(*count)++] = id;
		return;
	}
	for (int i = 0; i < n; i++) {
		int b = FIRST_BYTE + (unsigned char)s[i];
		tokens[(*count)++] = b < t->vocab_size ? b : 0;
	}
}

int llm_encode(const struct llm_tokenizer *t, const char *text, int *tokens, int *n)
{
	int count = 0;
	tokens[count++] = LLM_BOS;
	if (text[0]) {
		/* a leading space, as sentencepiece's dummy prefix */
		int space = lookup(t, " ", 1);
		if (space < 0) {
			fprintf(stderr, "llm: the tokenizer has no \" \" piece to begin a prompt with\n");
			return -1;
		}
		tokens[count++] = space;
	}
	for (const char *p = text; *p;) {
		int len = 1; /* a lead byte and at most three continuation bytes */
		while (len < 4 && ((unsigned char)p[len] & 0xc0) == 0x80)
			len++;
		push_char(t, p, len, tokens, &count);
		p += len;
	}

	/* Merge the adjacent pair whose joined piece scores best (the leftmost
	 * of equals) until no joined pair is a piece. */
	char *buf = malloc(2 * (size_t)t->max_len + 1);
	if (!buf) {
		fprintf(stderr, "llm: out of memory\n");
		return -1;
	}
	for (;;) {
		int best = -1, at = -1;
		for (int i = 0; i + 1 < count; i++) {
			int a = tokens[i], b = tokens[i + 1];
			memcpy(buf, t->piece[a], t->len[a]);
			memcpy(buf + t->len[a], t->piece[b], t->len[b]);
			int id = lookup(t, buf, t->len[a] + t->len[b]);
			if (id >= 0 && (best < 0 || t->score[id] > t->score[best])) {
				best = id;
				at = i;
			}
		}
		if (best < 0)
			break;
		tokens[at] = best;
		memmove(tokens + at + 1, tokens + at + 2, (count - at - 2) * sizeof(int));
		count--;
	}
	free(buf);
	*n = count;
	return 0;
}

void llm_print_piece(const struct llm_tokenizer *t, int prev, int token)
{
	const char *p = t->piece[token];
	int n = t->len[token];
	if (prev == LLM_BOS && n > 0 && p[0] == ' ') {
		p++;
		n--;
	}
	/* "<0xHH>" stands for the byte HH */
	if (n == 6 && p[0] == '<' && p[1] == '0' && p[2] == 'x' && isxdigit((unsigned char)p[3]) &&
	    isxdigit((unsigned char)p[4]) && p[5] == '>') {
		int b = (int)strtol((char[]){p[3], p[4], 0}, NULL, 16);
		p = t->byte[b];
		n = 1;
	}
	n = (int)strnlen(p, n); /* printed as a C string, up to a NUL */
	if (n == 0)
		return;
	if (n == 1 && !(isprint((unsigned char)p[0]) || isspace((unsigned char)p[0])))
		return;
	fwrite(p, 1, n, stdout);
}
