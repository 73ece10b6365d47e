/* malloc(100000 MiB) succeeded in a 256 MiB guest and the program died on
 * touching it. Linux's heuristic overcommit refuses one writable mapping
 * (or brk step) larger than RAM + swap with ENOMEM, and allows smaller
 * ones even when together they exceed RAM; read-only and MAP_NORESERVE
 * mappings are not counted. Sizes here are relative to sysinfo's RAM. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static const char *try_map(size_t len, int prot, int extra)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
	if (p == MAP_FAILED)
		return strerrorname_np(errno);
	munmap(p, len);
	return "ok";
}

int main(void)
{
	struct sysinfo si;
	sysinfo(&si);
	size_t ram = (size_t)si.totalram * si.mem_unit + (size_t)si.totalswap * si.mem_unit;
	size_t half = ram / 2 & ~4095ul, twice = 2 * ram & ~4095ul;

	printf("twice RAM, read-write: %s\n", try_map(twice, PROT_READ | PROT_WRITE, 0));
	printf("twice RAM, read-only: %s\n", try_map(twice, PROT_READ, 0));
	printf("twice RAM, MAP_NORESERVE: %s\n", try_map(twice, PROT_READ | PROT_WRITE, MAP_NORESERVE));
	printf("twice RAM, PROT_NONE: %s\n", try_map(twice, PROT_NONE, 0));
	printf("half RAM, read-write: %s\n", try_map(half, PROT_READ | PROT_WRITE, 0));
	int kept = 0;
	for (int i = 0; i < 6; i++) /* three times RAM in all */
		kept += mmap(NULL, half, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) !=
			MAP_FAILED;
	printf("%d of 6 half-RAM mappings kept at once\n", kept);

	void *volatile big = malloc(twice); /* volatile: the pair is not folded away */
	printf("malloc(twice RAM): %s\n", big ? "a pointer" : "NULL");
	free(big);
	char *cur = sbrk(0);
	printf("brk up by twice RAM: %s\n", brk(cur + twice) ? strerrorname_np(errno) : "ok");
	printf("brk up by one page: %s\n", brk(cur + 4096) ? strerrorname_np(errno) : "ok");

	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *q = mremap(p, 4096, twice, MREMAP_MAYMOVE);
	printf("mremap read-write to twice RAM: %s\n", q == MAP_FAILED ? strerrorname_np(errno) : "ok");
	char *r = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	q = mremap(r, 4096, twice, MREMAP_MAYMOVE);
	printf("mremap read-only to twice RAM: %s\n", q == MAP_FAILED ? strerrorname_np(errno) : "ok");

	/* mprotect counts memory that first becomes writable. */
	r = mmap(NULL, twice, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mprotect twice RAM read-only to read-write: %s\n",
	       mprotect(r, twice, PROT_READ | PROT_WRITE) ? strerrorname_np(errno) : "ok");
	printf("mprotect one page of it: %s\n",
	       mprotect(r, 4096, PROT_READ | PROT_WRITE) ? strerrorname_np(errno) : "ok");
	char *n = mmap(NULL, twice, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	printf("MAP_NORESERVE twice RAM, read-only and back: %s\n",
	       mprotect(n, twice, PROT_READ) || mprotect(n, twice, PROT_READ | PROT_WRITE)
		       ? strerrorname_np(errno)
		       : "ok");
	n[0] = 5, n[twice - 1] = 6;
	printf("its first and last byte written: %d %d\n", n[0], n[twice - 1]);
	char *h = mmap(NULL, half, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mprotect half RAM read-only to read-write: %s\n",
	       mprotect(h, half, PROT_READ | PROT_WRITE) ? strerrorname_np(errno) : "ok");
	return 0;
}
