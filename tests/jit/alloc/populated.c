/*
 * Under the JIT on Linux, a calloc block of 128 KiB up to 64 MiB comes
 * populated writable (runtime/alloc.c): its pages are resident as calloc
 * returns, zero, and reading then writing each page faults no more, where
 * Linux would map its zero page on the read and fault again on the write
 * (a TLB flush on every CPU the process runs on). A larger block is left
 * to fault as it is used. Prints one line per check and exits 1 if any
 * failed. Faults are counted on the program's thread alone (the runtime's
 * compiler thread faults too).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static int failed;

static void check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	failed |= !ok;
}

/* The share of the whole pages of [p, p + n) that are resident, in percent. */
static long resident_pct(void *p, size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *start = (char *)(((size_t)p + page - 1) & ~(page - 1));
	char *end = (char *)(((size_t)p + n) & ~(page - 1));
	size_t pages = (size_t)(end - start) / page, in = 0;
	unsigned char *v = malloc(pages);
	if (!v || mincore(start, (size_t)(end - start), v))
		return -1;
	for (size_t i = 0; i < pages; i++)
		in += v[i] & 1;
	free(v);
	return (long)(in * 100 / pages);
}

static long minor_faults(void)
{
	struct rusage u;
	getrusage(RUSAGE_THREAD, &u);
	return u.ru_minflt;
}

int main(void)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 8 << 20;
	unsigned char *p = calloc(1, n);
	if (!p)
		return 1;
	check("calloc(8 MiB) resident at once", resident_pct(p, n) == 100);
	long before = minor_faults();
	unsigned long sum = 0;
	for (size_t i = 0; i < n; i += page) /* read first, as a probe would */
		sum += p[i] + p[i + page / 2];
	for (size_t i = 0; i < n; i += page)
		p[i] = (unsigned char)(i / page);
	long faults = minor_faults() - before;
	check("calloc(8 MiB) zero", sum == 0);
	printf("faults reading then writing its %zu pages: %ld\n", n / page, faults);
	check("calloc(8 MiB) read then written without faulting", faults < 64);
	int kept = 1;
	for (size_t i = 0; i < n; i += page)
		kept &= p[i] == (unsigned char)(i / page);
	check("calloc(8 MiB) keeps what was written", kept);
	free(p);

	/* the same size again, perhaps where the last one was */
	p = calloc(n / 16, 16);
	int zero = p != NULL;
	for (size_t i = 0; zero && i < n; i++)
		zero = p[i] == 0;
	check("calloc(8 MiB) again zero", zero);
	free(p);

	const size_t big = 256ul << 20;
	unsigned char *q = calloc(1, big);
	if (!q)
		return 1;
	long pct = resident_pct(q, big);
	printf("calloc(256 MiB) resident: %ld%%\n", pct);
	check("calloc(256 MiB) left to fault as used", pct >= 0 && pct < 50);
	q[big - 1] = 1;
	check("calloc(256 MiB) zero where read", q[big / 2] == 0 && q[big - 1] == 1);
	free(q);
	return failed;
}
