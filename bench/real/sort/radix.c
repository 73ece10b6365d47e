/* LSD radix sort of records by a 32-bit key, a byte a pass, stable. */
#include <string.h>

#include "sort.h"

static int radix_bits = 8;

void radix_sort_by_salary(struct employee *v, size_t n, struct employee *tmp)
{
	struct employee *from = v, *to = tmp;
	for (int shift = 0; shift < 32; shift += radix_bits) {
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((from[i].salary >> shift) & 0xff) + 1]++;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			to[count[(from[i].salary >> shift) & 0xff]++] = from[i];
		struct employee *t = from;
		from = to;
		to = t;
	}
	if (from != v)
		memcpy(v, from, n * sizeof *v);
}
