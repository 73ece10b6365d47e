/* Large anonymous mappings: 256 MiB reserved and sparsely touched, MAP_FIXED
 * over live pages, holes punched with munmap, and mprotect splitting an
 * area. Holes are found without faulting: mprotect of an unmapped range
 * fails with ENOMEM and MAP_FIXED_NOREPLACE succeeds only on a free range. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define MiB (1024ul * 1024)
#define PAGE 4096ul

static const char *err(long r)
{
	return r == 0 ? "0" : strerrorname_np(errno);
}

/* Is [p, p+len) entirely mapped? */
static int mapped(void *p, size_t len)
{
	return mprotect(p, len, PROT_READ | PROT_WRITE) == 0;
}

/* Is [p, p+len) entirely free? (probes by mapping it, then gives it back) */
static int free_range(void *p, size_t len)
{
	void *q = mmap(p, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (q == MAP_FAILED)
		return 0;
	munmap(q, len);
	return q == p;
}

static unsigned long sum_pages(const unsigned char *p, size_t len, size_t step)
{
	unsigned long s = 0;
	for (size_t i = 0; i < len; i += step)
		s = s * 131 + p[i] + p[i + step - 1];
	return s;
}

int main(void)
{
	size_t len = 256 * MiB;
	unsigned char *p =
	    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap 256 MiB: %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("mmap 256 MiB: page aligned %s\n", ((uintptr_t)p & (PAGE - 1)) ? "no" : "yes");

	/* Untouched pages read as zero; touch one page per MiB. */
	unsigned long zeros = 0;
	for (size_t off = 0; off < len; off += 4 * MiB)
		zeros += p[off + 123] == 0;
	printf("sampled untouched pages reading zero: %lu of 64\n", zeros);
	for (size_t off = 0; off < len; off += MiB)
		p[off] = (unsigned char)(off / MiB), p[off + PAGE - 1] = 0xa5;
	printf("checksum after touching 256 pages: %lx\n", sum_pages(p, len, MiB));

	/* MAP_FIXED over live pages replaces them with fresh zero pages. */
	unsigned char *mid = p + 100 * MiB;
	void *q = mmap(mid, 2 * MiB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED at the same address: %s, old contents %s\n", q == mid ? "yes" : "no",
	       mid[0] == 0 && mid[MiB] == 0 && mid[PAGE - 1] == 0 ? "gone" : "kept");
	printf("neighbours kept: %s\n", p[99 * MiB] == 99 && p[102 * MiB] == 102 ? "yes" : "no");
	mid[5] = 0x5a;

	/* MAP_FIXED_NOREPLACE refuses a used range. */
	q = mmap(mid, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("MAP_FIXED_NOREPLACE on a used range: %s\n",
	       q == MAP_FAILED ? strerrorname_np(errno) : "mapped");

	/* Punch holes: one page, one MiB, and the area's first and last page. */
	printf("munmap one page: %s\n", err(munmap(p + 10 * MiB, PAGE)));
	printf("munmap 1 MiB: %s\n", err(munmap(p + 20 * MiB, MiB)));
	printf("munmap the first page: %s\n", err(munmap(p, PAGE)));
	printf("munmap the last page: %s\n", err(munmap(p + len - PAGE, PAGE)));
	printf("munmap an unmapped range again: %s\n", err(munmap(p + 20 * MiB, MiB)));
	printf("holes are free: %s %s %s %s\n", free_range(p + 10 * MiB, PAGE) ? "yes" : "no",
	       free_range(p + 20 * MiB, MiB) ? "yes" : "no", free_range(p, PAGE) ? "yes" : "no",
	       free_range(p + len - PAGE, PAGE) ? "yes" : "no");
	printf("mprotect across a hole: %s\n",
	       mprotect(p + 10 * MiB - PAGE, 3 * PAGE, PROT_READ) ? strerrorname_np(errno) : "0");
	printf("around the holes still mapped: %s %s %s\n",
	       mapped(p + 10 * MiB - PAGE, PAGE) ? "yes" : "no",
	       mapped(p + 10 * MiB + PAGE, PAGE) ? "yes" : "no",
	       mapped(p + 21 * MiB, 79 * MiB) ? "yes" : "no");
	printf("contents survive: %d %d %d %d %x\n", p[9 * MiB], p[11 * MiB], p[21 * MiB],
	       p[255 * MiB - MiB], p[11 * MiB + PAGE - 1]);

	/* mprotect splits an area in three; each part keeps its contents. */
	unsigned char *r = p + 150 * MiB;
	printf("mprotect middle 4 pages read-only: %s\n",
	       err(mprotect(r + PAGE, 4 * PAGE, PROT_READ)));
	r[0] = 1, r[5 * PAGE] = 2; /* the outer parts are still writable */
	printf("read-only part readable: %d, outer parts written: %d %d\n", r[PAGE], r[0],
	       r[5 * PAGE]);
	printf("mprotect back to read-write: %s\n",
	       err(mprotect(r + PAGE, 4 * PAGE, PROT_READ | PROT_WRITE)));
	r[PAGE] = 3;
	printf("writable again: %d\n", r[PAGE]);
	printf("mprotect PROT_NONE then back: %s %s, contents %d\n",
	       err(mprotect(r, PAGE, PROT_NONE)), err(mprotect(r, PAGE, PROT_READ)), r[0]);

	/* Many small mappings, then one munmap across all of them. */
	unsigned char *base = p + 200 * MiB;
	int fixed = 0;
	for (int i = 0; i < 64; i++) {
		unsigned char *s = mmap(base + i * 2 * PAGE, PAGE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		fixed += s == base + i * 2 * PAGE;
		s[0] = (unsigned char)i;
	}
	unsigned long s = 0;
	for (int i = 0; i < 64; i++)
		s += base[i * 2 * PAGE] + base[i * 2 * PAGE + PAGE];
	printf("64 MAP_FIXED pages placed: %d, sum %lu\n", fixed, s);
	printf("munmap all 256 MiB, holes included: %s\n", err(munmap(p, len)));
	printf("whole range free again: %s\n", free_range(p, len) ? "yes" : "no");

	/* A second large mapping after the first is gone, written throughout
	 * in one 8 MiB stretch, then unmapped. */
	unsigned char *t =
	    mmap(NULL, 64 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return 1;
	memset(t + 16 * MiB, 0x77, 8 * MiB);
	printf("8 MiB written: checksum %lx\n", sum_pages(t + 15 * MiB, 10 * MiB, PAGE));
	printf("munmap: %s\n", err(munmap(t, 64 * MiB)));
	return 0;
}
