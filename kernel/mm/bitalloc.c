/* Bitmap range allocator (see bitalloc.h): next-fit search for aligned runs. */
#include "bitalloc.h"

#include "kerrno.h"

#define ALL ~0ull

void bitalloc_init(struct bitalloc *b, uint64_t *map, uint64_t nbits)
{
	b->map = map;
	b->nbits = nbits;
	b->nfree = 0;
	b->hint = 0;
	for (uint64_t i = 0; i < bitalloc_words(nbits); i++)
		map[i] = ALL;
}

bool bitalloc_is_free(const struct bitalloc *b, uint64_t i)
{
	return i < b->nbits && !(b->map[i / 64] >> (i % 64) & 1);
}

/* Set (used = true) or clear bits [first, first+n); returns how many changed. */
static uint64_t set_range(struct bitalloc *b, uint64_t first, uint64_t n, bool used)
{
	uint64_t changed = 0;

	for (uint64_t i = first; i < first + n;) {
		uint64_t w = i / 64, bit = i % 64;
		uint64_t cnt = 64 - bit < first + n - i ? 64 - bit : first + n - i;
		uint64_t mask = (cnt == 64 ? ALL : ((1ull << cnt) - 1)) << bit;
		uint64_t before = b->map[w];

		b->map[w] = used ? before | mask : before & ~mask;
		changed += (uint64_t)__builtin_popcountll((before ^ b->map[w]) & mask);
		i += cnt;
	}
	return changed;
}

static void clip(const struct bitalloc *b, uint64_t first, uint64_t *n)
{
	if (first >= b->nbits)
		*n = 0;
	else if (*n > b->nbits - first)
		*n = b->nbits - first;
}

void bitalloc_mark_free(struct bitalloc *b, uint64_t first, uint64_t n)
{
	clip(b, first, &n);
	b->nfree += set_range(b, first, n, false);
}

void bitalloc_mark_used(struct bitalloc *b, uint64_t first, uint64_t n)
{
	clip(b, first, &n);
	b->nfree -= set_range(b, first, n, true);
}

/* Length of the free run starting at i, looking no further than `want`. */
static uint64_t free_run(const struct bitalloc *b, uint64_t i, uint64_t want)
{
	uint64_t len = 0;

	while (len < want && i + len < b->nbits) {
		uint64_t idx = i + len;
		if ((idx % 64) == 0 && want - len >= 64 && idx + 64 <= b->nbits &&
		    b->map[idx / 64] == 0) {
			len += 64;
			continue;
		}
		if (!bitalloc_is_free(b, idx))
			break;
		len++;
	}
	return len;
}

/* Search [from, to) for an aligned free run of n; returns its start or -1. */
static int64_t search(const struct bitalloc *b, uint64_t from, uint64_t to, uint64_t n,
		      uint64_t align)
{
	uint64_t i = (from + align - 1) & ~(align - 1);

	while (i < to && i + n <= b->nbits) {
		if (b->map[i / 64] == ALL) { /* skip full words quickly */
			i = ((i / 64 + 1) * 64 + align - 1) & ~(align - 1);
			continue;
		}
		uint64_t run = free_run(b, i, n);
		if (run >= n)
			return (int64_t)i;
		i = (i + run + 1 + align - 1) & ~(align - 1);
	}
	return -1;
}

int64_t bitalloc_alloc(struct bitalloc *b, uint64_t n, uint64_t align)
{
	if (n == 0 || n > b->nfree || align == 0 || (align & (align - 1)))
		return -1;
	int64_t at = search(b, b->hint, b->nbits, n, align);
	if (at < 0)
		at = search(b, 0, b->hint + n, n, align);
	if (at < 0)
		return -1;
	set_range(b, (uint64_t)at, n, true);
	b->nfree -= n;
	b->hint = (uint64_t)at + n;
	return at;
}

int bitalloc_free(struct bitalloc *b, uint64_t first, uint64_t n)
{
	if (first >= b->nbits || n > b->nbits - first)
		return -EINVAL;
	for (uint64_t i = first; i < first + n; i++)
		if (bitalloc_is_free(b, i))
			return -EINVAL;
	set_range(b, first, n, false);
	b->nfree += n;
	return 0;
}
