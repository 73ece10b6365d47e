/* A seeded malloc/realloc/free workload: 200,000 operations on up to 2,000
 * live blocks of 1 B to 1 MiB, the large ones past glibc's mmap threshold.
 * Each block carries a pattern derived from its identity and size, checked
 * before every realloc and free; the summary must match Linux's exactly. */
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SLOTS = 2000, OPS = 200000 };

struct block {
	unsigned char *p;
	size_t size;
	uint32_t tag;
};

static struct block slots[SLOTS];
static uint64_t rng = 0x243f6a8885a308d3ull;
static unsigned long corrupt;

static uint32_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Mostly small blocks, some medium, a few past the mmap threshold. */
static size_t pick_size(void)
{
	uint32_t r = next() % 1000;
	if (r < 900)
		return 1 + next() % 256;
	if (r < 995)
		return 257 + next() % 65536;
	return 128 * 1024 + next() % (896 * 1024 + 1); /* up to 1 MiB */
}

static unsigned char byte_at(uint32_t tag, size_t i)
{
	return (unsigned char)(tag * 31 + i * 7 + (i >> 8));
}

/* Which bytes of a block of this size carry the pattern: all of a block up
 * to 4 KiB; of a larger one, the first 16 bytes of every 4 KiB and the last 16,
 * which touches every page without writing them all. */
static bool patterned(size_t i, size_t size)
{
	return size <= 4096 || (i & 4095) < 16 || i + 16 >= size;
}

static void fill(struct block *b)
{
	for (size_t i = 0; i < b->size; i++) {
		if (!patterned(i, b->size)) {
			i |= 4095; /* skip to the next page's first byte */
			if (i + 16 >= b->size)
				i = b->size - 17;
			continue;
		}
		b->p[i] = byte_at(b->tag, i);
	}
}

/* Check the first upto bytes against the pattern laid for a block of size
 * bytes (a realloc'd block still holds its old size's pattern). */
static void check(const struct block *b, size_t upto, size_t size)
{
	for (size_t i = 0; i < upto; i++) {
		if (!patterned(i, size))
			continue;
		if (b->p[i] != byte_at(b->tag, i)) {
			if (corrupt++ < 5)
				printf("corrupt: block tag %u size %zu at %zu\n", b->tag, size, i);
			return;
		}
	}
}

int main(void)
{
	unsigned long mallocs = 0, reallocs = 0, frees = 0, big = 0, failed = 0;
	unsigned long long bytes = 0, peak = 0, live = 0;
	uint32_t tags = 0;

	for (int op = 0; op < OPS; op++) {
		struct block *b = &slots[next() % SLOTS];
		if (!b->p) {
			b->size = pick_size();
			b->tag = ++tags;
			b->p = malloc(b->size);
			if (!b->p) {
				failed++;
				continue;
			}
			fill(b);
			mallocs++;
			live += b->size;
		} else if (next() % 10 < 3) {
			size_t old = b->size, size = pick_size(), kept = old < size ? old : size;
			check(b, old, old);
			unsigned char *p = realloc(b->p, size);
			if (!p) {
				failed++;
				continue;
			}
			b->p = p;
			b->size = size;
			check(b, kept, old); /* the kept prefix survived the move */
			fill(b);
			reallocs++;
			live += size - old;
		} else {
			check(b, b->size, b->size);
			free(b->p);
			b->p = NULL;
			frees++;
			live -= b->size;
			continue;
		}
		bytes += b->size;
		if (b->size > 128 * 1024)
			big++;
		if (live > peak)
			peak = live;
	}
	unsigned long left = 0;
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			check(&slots[i], slots[i].size, slots[i].size);
			free(slots[i].p);
			left++;
		}
	}
	printf("operations: %d (malloc %lu, realloc %lu, free %lu)\n", OPS, mallocs, reallocs,
	       frees);
	printf("large blocks (over 128 KiB): %lu\n", big);
	printf("bytes requested: %llu, peak live: %llu\n", bytes, peak);
	printf("freed at the end: %lu, failed: %lu, corrupt: %lu\n", left, failed, corrupt);

	/* A fixed mmap threshold keeps every later large block on mmap. */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	unsigned long sum = 0;
	for (int i = 0; i < 64; i++) {
		size_t n = 200 * 1024 + (size_t)i * 37 * 1024;
		unsigned char *p = malloc(n);
		if (!p)
			return 1;
		p[0] = (unsigned char)i, p[n / 2] = 2, p[n - 1] = 3;
		p = realloc(p, n * 2);
		if (!p)
			return 1;
		p[2 * n - 1] = 4;
		sum += p[0] + p[n / 2] + p[n - 1] + p[2 * n - 1];
		free(p);
	}
	printf("mmap-threshold blocks: sum %lu\n", sum);
	return corrupt ? 1 : 0;
}
