/* Merge sort (top-down, stable, insertion sort for short runs) and heap
 * sort on elements of any size, compared through a function pointer. */
#include <stdlib.h>
#include <string.h>

#include "sort.h"

static size_t insertion_cutoff = 12;

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static void insertion(unsigned char *v, size_t n, size_t size, cmp_fn cmp, unsigned char *tmp)
{
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		memcpy(tmp, v + i * size, size);
		while (j > 0 && cmp(v + (j - 1) * size, tmp) > 0) {
			memcpy(v + j * size, v + (j - 1) * size, size);
			j--;
		}
		memcpy(v + j * size, tmp, size);
	}
}

static void merge_rec(unsigned char *v, unsigned char *scratch, size_t n, size_t size, cmp_fn cmp)
{
	if (n <= insertion_cutoff) {
		insertion(v, n, size, cmp, scratch);
		return;
	}
	size_t half = n / 2;
	merge_rec(v, scratch, half, size, cmp);
	merge_rec(v + half * size, scratch, n - half, size, cmp);
	if (cmp(v + (half - 1) * size, v + half * size) <= 0)
		return;
	memcpy(scratch, v, half * size);
	unsigned char *a = scratch, *a_end = scratch + half * size;
	unsigned char *b = v + half * size, *b_end = v + n * size, *o = v;
	while (a < a_end && b < b_end) {
		if (cmp(b, a) < 0) {
			memcpy(o, b, size);
			b += size;
		} else {
			memcpy(o, a, size);
			a += size;
		}
		o += size;
	}
	memcpy(o, a, (size_t)(a_end - a));
}

void merge_sort(void *base, size_t n, size_t size, cmp_fn cmp)
{
	unsigned char *scratch = malloc((n / 2 + 1) * size + size);
	merge_rec(base, scratch, n, size, cmp);
	free(scratch);
}

static void sift_down(unsigned char *v, size_t root, size_t n, size_t size, cmp_fn cmp)
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && cmp(v + child * size, v + (child + 1) * size) < 0)
			child++;
		if (cmp(v + root * size, v + child * size) >= 0)
			return;
		swap_bytes(v + root * size, v + child * size, size);
		root = child;
	}
}

void heap_sort(void *base, size_t n, size_t size, cmp_fn cmp)
{
	unsigned char *v = base;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n, size, cmp);
	for (size_t end = n; end-- > 1;) {
		swap_bytes(v, v + end * size, size);
		sift_down(v, 0, end, size, cmp);
	}
}
