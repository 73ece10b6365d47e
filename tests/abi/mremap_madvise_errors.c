/* mremap: growing in place and by moving, shrinking, MREMAP_FIXED and
 * MREMAP_DONTUNMAP, with contents kept and new pages zero; madvise:
 * MADV_DONTNEED gives zeroed pages, other advice changes nothing; and the
 * error cases of both (complements mremap_madvise.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096ul

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static const char *err_name(void)
{
	switch (errno) {
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case ENOMEM:
		return "ENOMEM";
	case EEXIST:
		return "EEXIST";
	default:
		return "other";
	}
}

static const char *res(long r)
{
	return r == -1 ? err_name() : r == 0 ? "0" : "positive";
}
static const char *mres(void *p)
{
	return p == MAP_FAILED ? err_name() : "mapped";
}

static char *map(size_t pages, int prot)
{
	return mmap(NULL, pages * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void fill(char *p, size_t pages, int seed)
{
	for (size_t i = 0; i < pages * PG; i += 64)
		p[i] = (char)(i / 64 * 7 + seed);
}

static int same(const char *p, size_t pages, int seed)
{
	for (size_t i = 0; i < pages * PG; i += 64)
		if (p[i] != (char)(i / 64 * 7 + seed))
			return 0;
	return 1;
}

static int zero(const char *p, size_t pages)
{
	for (size_t i = 0; i < pages * PG; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Is [p, p+pages) free? Only then can it be mapped without replacing. */
static int is_free(char *p, size_t pages)
{
	char *q = mmap(p, pages * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
	if (q == MAP_FAILED)
		return 0;
	munmap(q, pages * PG);
	return q == p;
}

static void remaps(void)
{
	/* Grow in place: the pages after the mapping are free. */
	char *a = map(4, PROT_READ | PROT_WRITE);
	munmap(a + 2 * PG, 2 * PG);
	fill(a, 2, 1);
	char *b = mremap(a, 2 * PG, 4 * PG, 0);
	printf("grow in place: %s, same address: %s, kept: %s, new pages zero: %s\n", mres(b),
	       yes(b == a), yes(same(b, 2, 1)), yes(zero(b + 2 * PG, 2)));

	/* Blocked by a neighbour with other access: ENOMEM, or a move. */
	char *c = map(4, PROT_READ | PROT_WRITE);
	mprotect(c + 2 * PG, 2 * PG, PROT_READ);
	fill(c, 2, 2);
	printf("grow when blocked, no MAYMOVE: %s\n", mres(mremap(c, 2 * PG, 3 * PG, 0)));
	char *d = mremap(c, 2 * PG, 6 * PG, MREMAP_MAYMOVE);
	printf(
	    "grow with MAYMOVE: %s, moved: %s, kept: %s, new pages zero: %s, old range free: %s\n",
	    mres(d), yes(d != c), yes(same(d, 2, 2)), yes(zero(d + 2 * PG, 4)), yes(is_free(c, 2)));
	printf("the neighbour is untouched: %s\n", yes(!is_free(c + 2 * PG, 2)));

	/* Shrink: the tail goes. */
	char *e = mremap(d, 6 * PG, 1 * PG, 0);
	printf("shrink: %s, same address: %s, kept: %s, tail free: %s\n", mres(e), yes(e == d),
	       yes(same(e, 1, 2)), yes(is_free(d + PG, 5)));

	/* MREMAP_FIXED onto a mapping, which it replaces. */
	char *f = map(3, PROT_READ | PROT_WRITE), *target = map(3, PROT_READ | PROT_WRITE);
	fill(f, 3, 3);
	memset(target, 0x77, 3 * PG);
	char *g = mremap(f, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	printf("MREMAP_FIXED: %s, at the target: %s, kept: %s, old range free: %s\n", mres(g),
	       yes(g == target), yes(same(g, 3, 3)), yes(is_free(f, 3)));

	/* MREMAP_DONTUNMAP: the old range stays, empty. */
	char *h = map(2, PROT_READ | PROT_WRITE);
	fill(h, 2, 4);
	char *i = mremap(h, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	printf("MREMAP_DONTUNMAP: %s, moved: %s, kept: %s, old range mapped and zero: %s\n",
	       mres(i), yes(i != h), yes(same(i, 2, 4)), yes(!is_free(h, 2) && zero(h, 2)));

	/* A large, mostly untouched area moves without copying. */
	size_t big = 64 << 20;
	char *j = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	j[0] = 1, j[big / 2] = 2, j[big - 1] = 3;
	char *k = mremap(j, big, 2 * big, MREMAP_MAYMOVE);
	printf("64 MiB grown to 128 MiB: %s, bytes kept: %s\n", mres(k),
	       yes(k[0] == 1 && k[big / 2] == 2 && k[big - 1] == 3 && k[big] == 0 &&
		   k[2 * big - 1] == 0));

	/* Errors. */
	printf("misaligned old address: %s\n", mres(mremap(b + 1, PG, 2 * PG, MREMAP_MAYMOVE)));
	printf("unknown flag: %s\n", mres(mremap(b, PG, 2 * PG, MREMAP_MAYMOVE | 8)));
	printf("MREMAP_FIXED without MAYMOVE: %s\n", mres(mremap(b, PG, PG, MREMAP_FIXED, target)));
	printf("new length 0: %s\n", mres(mremap(b, PG, 0, MREMAP_MAYMOVE)));
	printf("old length 0 (duplicate a private mapping): %s\n",
	       mres(mremap(b, 0, PG, MREMAP_MAYMOVE)));
	char *hole = map(2, PROT_READ);
	munmap(hole, 2 * PG);
	printf("growing an unmapped range: %s\n", mres(mremap(hole, PG, 2 * PG, MREMAP_MAYMOVE)));
	char *two = map(4, PROT_READ | PROT_WRITE);
	mprotect(two + 2 * PG, 2 * PG, PROT_READ);
	printf("growing across two mappings: %s\n",
	       mres(mremap(two, 4 * PG, 8 * PG, MREMAP_MAYMOVE)));
	printf("moving part of a mapping: %s\n",
	       yes(mremap(two, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, hole) == hole));
	printf("DONTUNMAP with a new size: %s\n",
	       mres(mremap(b, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL)));
	printf("FIXED onto an overlapping range: %s\n",
	       mres(mremap(b, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + PG)));
	printf("FIXED at a misaligned address: %s\n",
	       mres(mremap(b, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, target + 1)));
	munmap(hole, 2 * PG);
	printf("shrinking an unmapped range: %s\n", mres(mremap(hole, 2 * PG, PG, 0)));
	char *holed = map(3, PROT_READ);
	munmap(holed + PG, PG);
	printf("shrinking across a hole: %s\n", yes(mremap(holed, 3 * PG, PG, 0) == holed));
	printf("same size, unmapped: %s\n", mres(mremap(holed + 2 * PG, PG, PG, 0)));
}

static void advice(void)
{
	char *p = map(8, PROT_READ | PROT_WRITE);
	fill(p, 8, 5);
	printf("MADV_DONTNEED: %s, those pages zero: %s, others kept: %s\n",
	       res(madvise(p + 2 * PG, 3 * PG, MADV_DONTNEED)), yes(zero(p + 2 * PG, 3)),
	       yes(same(p, 2, 5) && p[5 * PG] == (char)(5 * PG / 64 * 7 + 5)));
	p[2 * PG] = 9;
	printf("the discarded page is usable again: %s\n", yes(p[2 * PG] == 9));
	int kinds[] = {MADV_NORMAL,	MADV_RANDOM,	 MADV_SEQUENTIAL, MADV_WILLNEED,
		       MADV_DONTFORK,	MADV_DOFORK,	 MADV_DONTDUMP,	  MADV_DODUMP,
		       MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_COLD,	  MADV_PAGEOUT,
		       MADV_FREE};
	const char *names[] = {"NORMAL", "RANDOM",   "SEQUENTIAL", "WILLNEED",	 "DONTFORK",
			       "DOFORK", "DONTDUMP", "DODUMP",	   "WIPEONFORK", "KEEPONFORK",
			       "COLD",	 "PAGEOUT",  "FREE"};
	fill(p, 8, 6);
	for (int i = 0; i < 13; i++) {
		printf("MADV_%s: %s", names[i], res(madvise(p, 8 * PG, kinds[i])));
		if (kinds[i] != MADV_FREE && kinds[i] != MADV_PAGEOUT) /* may drop the data */
			printf(", contents kept: %s", yes(same(p, 8, 6)));
		printf("\n");
	}
	printf("length 0: %s\n", res(madvise(p, 0, MADV_DONTNEED)));
	printf("misaligned: %s\n", res(madvise(p + 1, PG, MADV_NORMAL)));
	printf("advice 5: %s\n", res(madvise(p, PG, 5)));
	printf("advice 999: %s\n", res(madvise(p, PG, 999)));
	printf("MADV_REMOVE on private memory: %s\n", res(madvise(p, PG, MADV_REMOVE)));
	munmap(p + 4 * PG, PG);
	fill(p, 4, 7);
	printf("range with a hole, MADV_NORMAL: %s\n", res(madvise(p, 8 * PG, MADV_NORMAL)));
	printf("range with a hole, MADV_DONTNEED: %s, mapped part still discarded: %s\n",
	       res(madvise(p, 8 * PG, MADV_DONTNEED)), yes(zero(p, 4)));
	munmap(p, 8 * PG);
	printf("unmapped range: %s\n", res(madvise(p, 2 * PG, MADV_WILLNEED)));
	printf("beyond the user half: %s\n",
	       res(madvise((void *)0x7ffffffff000ul, 1ul << 20, MADV_NORMAL)));
	printf("wrapping range: %s\n", res(madvise(p, (size_t)-PG * 2, MADV_NORMAL)));
}

int main(void)
{
	remaps();
	advice();
	return 0;
}
