/*
 * Under the JIT, blocks of 4 KiB and more from malloc and calloc start on a
 * 64-byte boundary (runtime/alloc.c; glibc's own are 16 bytes off a
 * 32-byte one as often as not, which made bench/tiers/matmul's time flip
 * between two values from run to run). The blocks must still be what C
 * promises: calloc's zeroed (also where a dirty block is reused), realloc
 * keeping the contents, free and malloc_usable_size working on them. Prints
 * one line per check and exits 1 if any failed.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

static void check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	failed |= !ok;
}

static int aligned(const void *p)
{
	return p && (uintptr_t)p % 64 == 0;
}

int main(void)
{
	static const size_t sizes[] = {4096, 73728, 1 << 20, 16 << 20};
	char what[80];
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k];
		unsigned char *p = malloc(n);
		snprintf(what, sizeof what, "malloc(%zu) on a cache line", n);
		check(what, aligned(p));
		if (!p)
			return 1;
		for (size_t i = 0; i < n; i++)
			p[i] = (unsigned char)(i * 7);
		snprintf(what, sizeof what, "malloc(%zu) usable size", n);
		check(what, malloc_usable_size(p) >= n);
		unsigned char *q = realloc(p, 2 * n);
		int same = q != NULL;
		for (size_t i = 0; same && i < n; i++)
			same = q[i] == (unsigned char)(i * 7);
		snprintf(what, sizeof what, "realloc(%zu) keeps the contents", 2 * n);
		check(what, same);
		free(q);
	}
	/* a dirty block freed, then calloc's of the same size: zeroed */
	for (int round = 0; round < 2; round++) {
		unsigned char *d = malloc(9216 * 8);
		if (!d)
			return 1;
		memset(d, 0xa5, 9216 * 8);
		free(d);
		double *z = calloc(9216, sizeof *z);
		int zero = z != NULL;
		for (size_t i = 0; zero && i < 9216; i++)
			zero = z[i] == 0.0;
		check("calloc(9216, 8) on a cache line", aligned(z));
		check("calloc(9216, 8) zeroed", zero);
		free(z);
	}
	void *small = malloc(100);
	check("malloc(100) on 16 bytes", small && (uintptr_t)small % 16 == 0);
	free(small);
	return failed;
}
