/* Bit I/O and canonical Huffman codes of at most 16 bits: lengths from
 * symbol frequencies (a heap-free O(n^2) merge, halving the frequencies
 * until no code is too long), then JPEG's maxcode/valoffset decoding with
 * a 9-bit lookup table in front. */
#include <string.h>

#include "jpeg.h"

void bw_put(struct bitwriter *w, uint32_t bits, int n)
{
	w->acc = (w->acc << n) | (bits & ((1u << n) - 1));
	w->nbits += n;
	while (w->nbits >= 8) {
		w->nbits -= 8;
		if (w->pos < w->cap)
			w->buf[w->pos++] = (uint8_t)(w->acc >> w->nbits);
	}
}

void bw_flush(struct bitwriter *w)
{
	if (w->nbits)
		bw_put(w, 0x7f, 8 - w->nbits);
}

static void br_fill(struct bitreader *r)
{
	while (r->nbits <= 56) {
		uint8_t b = r->pos < r->len ? r->buf[r->pos++] : 0;
		r->acc |= (uint64_t)b << (56 - r->nbits);
		r->nbits += 8;
	}
}

uint32_t br_peek(struct bitreader *r, int n)
{
	if (r->nbits < n)
		br_fill(r);
	return (uint32_t)(r->acc >> (64 - n));
}

void br_skip(struct bitreader *r, int n)
{
	r->acc <<= n;
	r->nbits -= n;
}

int br_get_signed(struct bitreader *r, int size)
{
	if (!size)
		return 0;
	int v = (int)br_peek(r, size);
	br_skip(r, size);
	return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
}

static int code_lengths(const uint32_t freq[256], uint8_t len[256])
{
	int parent[512], n = 0, live[256], nlive = 0;
	uint32_t nodew[512];
	for (int s = 0; s < 256; s++)
		if (freq[s]) {
			nodew[n] = freq[s];
			live[nlive++] = n;
			parent[n] = -1;
			n++;
		}
	int leaves = n;
	if (leaves == 1)
		parent[n++] = -1, parent[0] = 1;
	while (nlive > 1) {
		int a = 0, b = 1;
		if (nodew[live[b]] < nodew[live[a]])
			a = 1, b = 0;
		for (int i = 2; i < nlive; i++) {
			if (nodew[live[i]] < nodew[live[a]]) {
				b = a;
				a = i;
			} else if (nodew[live[i]] < nodew[live[b]]) {
				b = i;
			}
		}
		nodew[n] = nodew[live[a]] + nodew[live[b]];
		parent[n] = -1;
		parent[live[a]] = parent[live[b]] = n;
		int hi = a > b ? a : b, lo = a < b ? a : b;
		live[lo] = n++;
		live[hi] = live[--nlive];
	}
	int maxlen = 0, leaf = 0;
	for (int s = 0; s < 256; s++) {
		len[s] = 0;
		if (!freq[s])
			continue;
		int d = 0;
		for (int k = leaf++; parent[k] >= 0; k = parent[k])
			d++;
		len[s] = (uint8_t)d;
		if (d > maxlen)
			maxlen = d;
	}
	return maxlen;
}

static void build_decoder(struct huffman *h)
{
	int count[17] = {0}, k = 0;
	for (int s = 0; s < 256; s++)
		count[h->length[s]]++;
	count[0] = 0;
	for (int l = 1; l <= 16; l++)
		for (int s = 0; s < 256; s++)
			if (h->length[s] == l)
				h->symbols[k++] = (uint8_t)s;
	int code = 0, index = 0;
	for (int l = 1; l <= 16; l++) {
		h->valoffset[l] = index - code;
		code += count[l];
		index += count[l];
		h->maxcode[l] = count[l] ? code - 1 : -1;
		code <<= 1;
	}
	memset(h->lookup, 0xff, sizeof h->lookup);
	for (int s = 0; s < 256; s++) {
		int l = h->length[s];
		if (!l || l > HUFF_LOOKUP_BITS)
			continue;
		int first = h->code[s] << (HUFF_LOOKUP_BITS - l);
		for (int i = 0; i < 1 << (HUFF_LOOKUP_BITS - l); i++)
			h->lookup[first + i] = (int16_t)(s << 4 | l);
	}
}

void huff_build(struct huffman *h, const uint32_t freq[256])
{
	uint32_t f[256];
	memcpy(f, freq, sizeof f);
	while (code_lengths(f, h->length) > 16)
		for (int s = 0; s < 256; s++)
			if (f[s])
				f[s] = f[s] / 2 + 1;
	huff_from_lengths(h);
}

void huff_from_lengths(struct huffman *h)
{
	int code = 0;
	for (int l = 1; l <= 16; l++) {
		for (int s = 0; s < 256; s++)
			if (h->length[s] == l)
				h->code[s] = (uint16_t)code++;
		code <<= 1;
	}
	build_decoder(h);
}

void huff_put(struct bitwriter *w, const struct huffman *h, int symbol)
{
	bw_put(w, h->code[symbol], h->length[symbol]);
}

int huff_get(struct bitreader *r, const struct huffman *h)
{
	int e = h->lookup[br_peek(r, HUFF_LOOKUP_BITS)];
	if (e >= 0) {
		br_skip(r, e & 15);
		return e >> 4;
	}
	uint32_t bits = br_peek(r, 16);
	int l = HUFF_LOOKUP_BITS + 1;
	while (l <= 16 && (int32_t)(bits >> (16 - l)) > h->maxcode[l])
		l++;
	if (l > 16)
		return 0;
	br_skip(r, l);
	return h->symbols[h->valoffset[l] + (int32_t)(bits >> (16 - l))];
}
