/* mremap keeps contents while growing, shrinking and moving a mapping;
 * madvise(MADV_DONTNEED) turns private anonymous pages back into zeros. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096ul

static const char *err(long r)
{
	return r == 0 ? "0" : strerrorname_np(errno);
}

static int pattern_ok(const unsigned char *p, size_t len, unsigned char seed)
{
	for (size_t i = 0; i < len; i += 512)
		if (p[i] != (unsigned char)(seed + i / 512))
			return 0;
	return 1;
}

static void lay(unsigned char *p, size_t len, unsigned char seed)
{
	for (size_t i = 0; i < len; i += 512)
		p[i] = (unsigned char)(seed + i / 512);
}

/* The mremap cases on the 4 mapped pages at area (60 free pages follow);
 * returns 0 if a step failed that later ones depend on. */
static int moves(unsigned char *area)
{
	unsigned char *p = area;
	lay(p, 4 * PAGE, 1);

	unsigned char *q = mremap(p, 4 * PAGE, 8 * PAGE, 0);
	printf("grow in place: %s\n", q == MAP_FAILED ? strerrorname_np(errno)
				      : q == p	      ? "same address"
						      : "moved");
	if (q == MAP_FAILED)
		return 0;
	printf("contents kept: %s, new part zero: %s\n", pattern_ok(q, 4 * PAGE, 1) ? "yes" : "no",
	       q[6 * PAGE] == 0 ? "yes" : "no");
	p = q;
	unsigned char *blocker = mmap(area + 8 * PAGE, PAGE, PROT_READ,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("neighbour placed: %s\n", blocker == area + 8 * PAGE ? "yes" : "no");
	q = mremap(p, 8 * PAGE, 16 * PAGE, 0);
	printf("grow into a neighbour without MAYMOVE: %s\n",
	       q == MAP_FAILED ? strerrorname_np(errno) : "grew");
	lay(p, 8 * PAGE, 9);
	q = mremap(p, 8 * PAGE, 16 * PAGE, MREMAP_MAYMOVE);
	printf("grow with MAYMOVE: %s\n", q == MAP_FAILED ? strerrorname_np(errno)
					  : q == p	  ? "same address"
							  : "moved");
	if (q == MAP_FAILED)
		return 0;
	printf("contents moved: %s, old range free: %s\n",
	       pattern_ok(q, 8 * PAGE, 9) ? "yes" : "no",
	       mprotect(p, PAGE, PROT_READ) ? strerrorname_np(errno) : "still mapped");
	p = q;
	q = mremap(p, 16 * PAGE, 2 * PAGE, 0);
	printf("shrink: %s, contents kept: %s, tail unmapped: %s\n",
	       q == p ? "same address" : "moved", pattern_ok(p, 2 * PAGE, 9) ? "yes" : "no",
	       mprotect(p + 2 * PAGE, PAGE, PROT_READ) ? strerrorname_np(errno) : "no");
	unsigned char *target = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	q = mremap(p, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	printf("MREMAP_FIXED over a mapping: %s, contents %s\n",
	       q == target ? "at the address" : "elsewhere",
	       q != MAP_FAILED && pattern_ok(q, 2 * PAGE, 9) ? "kept" : "lost");
	unsigned char *gone = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, PAGE);
	printf("mremap of an unmapped address: %s\n",
	       mremap(gone, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? strerrorname_np(errno)
									  : "ok");
	printf("mremap to length 0: %s\n", mremap(q, 2 * PAGE, 0, MREMAP_MAYMOVE) == MAP_FAILED
					       ? strerrorname_np(errno)
					       : "ok");
	munmap(q, 2 * PAGE);
	munmap(blocker, PAGE);
	return 1;
}

int main(void)
{
	/* Reserve 64 pages and keep only the first 4, so growing in place
	 * has room and growing past a neighbour has to move. */
	unsigned char *area = mmap(NULL, 64 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 1;
	munmap(area + 4 * PAGE, 60 * PAGE);
	mmap(area, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
	     0);

	if (!moves(area))
		printf("mremap section stopped early\n");

	unsigned char *m =
	    mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 0xee, 16 * PAGE);
	printf("madvise DONTNEED on 4 pages: %s\n",
	       err(madvise(m + 4 * PAGE, 4 * PAGE, MADV_DONTNEED)));
	printf("those read zero: %s, the rest kept: %s\n",
	       m[4 * PAGE] == 0 && m[8 * PAGE - 1] == 0 ? "yes" : "no",
	       m[4 * PAGE - 1] == 0xee && m[8 * PAGE] == 0xee ? "yes" : "no");
	printf("madvise WILLNEED: %s, NORMAL: %s\n", err(madvise(m, 16 * PAGE, MADV_WILLNEED)),
	       err(madvise(m, 16 * PAGE, MADV_NORMAL)));
	printf("madvise unaligned: %s\n", err(madvise(m + 1, PAGE, MADV_DONTNEED)));
	munmap(m, 16 * PAGE);
	printf("madvise on unmapped memory: %s\n", err(madvise(m, PAGE, MADV_WILLNEED)));
	return 0;
}
