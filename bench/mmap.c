/*
 * The cost of mmap and munmap as mappings accumulate: TSC cycles per call
 * for PAIRS mmap/munmap pairs of one page in an empty address space, for
 * building LIVE live one-page mappings (alternately read-write and
 * read-only, so that no kernel can merge them into one), for the same pairs
 * with those LIVE mappings in place, for a first touch of each writable
 * one, and for unmapping them all. One line per figure: "NAME CYCLES".
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <x86intrin.h>

static void *map_page(int prot)
{
	void *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* Cycles per call of n mmap/munmap pairs. */
static unsigned long long pairs(long n)
{
	unsigned long long t0 = __rdtsc();
	for (long i = 0; i < n; i++)
		munmap(map_page(PROT_READ | PROT_WRITE), 4096);
	return (__rdtsc() - t0) / (2ull * (unsigned long long)n);
}

int main(int argc, char **argv)
{
	long npairs = argc > 1 ? atol(argv[1]) : 100000, live = argc > 2 ? atol(argv[2]) : 10000;
	char **pages = malloc(sizeof *pages * (size_t)live);

	if (!pages || npairs <= 0 || live <= 0)
		return 2;
	printf("pairs_empty %llu\n", pairs(npairs));
	unsigned long long t0 = __rdtsc();
	for (long i = 0; i < live; i++)
		pages[i] = map_page(i % 2 ? PROT_READ : PROT_READ | PROT_WRITE);
	printf("mmap_building %llu\n", (__rdtsc() - t0) / (unsigned long long)live);
	printf("pairs_with_live %llu\n", pairs(npairs));
	t0 = __rdtsc();
	for (long i = 0; i < live; i += 2)
		pages[i][0] = 1;
	printf("first_touch %llu\n", (__rdtsc() - t0) / (unsigned long long)((live + 1) / 2));
	t0 = __rdtsc();
	for (long i = 0; i < live; i++)
		munmap(pages[i], 4096);
	printf("munmap_live %llu\n", (__rdtsc() - t0) / (unsigned long long)live);
	return 0;
}
