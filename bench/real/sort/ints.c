/* Introsort of 32-bit integers: median-of-three quicksort, heap sort when
 * the recursion goes too deep, insertion sort for short ranges. */
#include "sort.h"

static size_t small_range = 16;

static void int_insertion(int32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int32_t x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void int_sift(int32_t *v, size_t root, size_t n)
{
	int32_t x = v[root];
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && v[child] < v[child + 1])
			child++;
		if (x >= v[child])
			break;
		v[root] = v[child];
	}
	v[root] = x;
}

static void int_heap_sort(int32_t *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		int_sift(v, i, n);
	for (size_t end = n; end-- > 1;) {
		int32_t t = v[0];
		v[0] = v[end];
		v[end] = t;
		int_sift(v, 0, end);
	}
}

static int32_t median3(int32_t a, int32_t b, int32_t c)
{
	if (a < b)
		return b < c ? b : a < c ? c : a;
	return a < c ? a : b < c ? c : b;
}

static void intro(int32_t *v, size_t n, int depth)
{
	while (n > small_range) {
		if (depth-- == 0) {
			int_heap_sort(v, n);
			return;
		}
		int32_t pivot = median3(v[0], v[n / 2], v[n - 1]);
		size_t i = 0, j = n - 1;
		for (;;) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			int32_t t = v[i];
			v[i++] = v[j];
			v[j--] = t;
		}
		/* recurse into the smaller side, loop on the larger */
		if (j + 1 < n - j - 1) {
			intro(v, j + 1, depth);
			v += j + 1;
			n -= j + 1;
		} else {
			intro(v + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	int_insertion(v, n);
}

void intro_sort(int32_t *v, size_t n)
{
	int depth = 0;
	for (size_t m = n; m; m >>= 1)
		depth += 2;
	intro(v, n, depth);
}
