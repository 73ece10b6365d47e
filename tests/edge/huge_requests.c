/* Requests that cannot be met fail cleanly with ENOMEM (or an unchanged
 * break) and leave the program running: only requests that no machine can
 * grant, so the answers do not depend on the host's RAM or overcommit. */
#include "edge.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096ul

/* got: -1 for NULL, else 0; the asm keeps the compiler from assuming the
 * allocation succeeded (or eliding it) because the result is unused. */
static long got(void *p)
{
	asm volatile("" : "+r"(p) : : "memory");
	free(p);
	return p ? 0 : -1;
}

int main(void)
{
	void *p;
	EXPECT_ERRNO("mmap 2^47 bytes",
		     (p = mmap(NULL, 1ul << 47, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0)) == MAP_FAILED
			 ? -1
			 : 0,
		     ENOMEM);
	EXPECT_ERRNO("mmap 2^47 bytes MAP_NORESERVE",
		     (p = mmap(NULL, 1ul << 47, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) == MAP_FAILED
			 ? -1
			 : 0,
		     ENOMEM);
	EXPECT_ERRNO("mmap 2^48 bytes PROT_NONE",
		     (p = mmap(NULL, 1ul << 48, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) ==
			     MAP_FAILED
			 ? -1
			 : 0,
		     ENOMEM);

	EXPECT_ERRNO("malloc(2^47)", got(malloc(1ul << 47)), ENOMEM);
	EXPECT_ERRNO("malloc(SIZE_MAX)", got(malloc(SIZE_MAX)), ENOMEM);
	EXPECT_ERRNO("malloc(SIZE_MAX - 4095)", got(malloc(SIZE_MAX - 4095)), ENOMEM);
	EXPECT_ERRNO("calloc overflowing size_t", got(calloc(SIZE_MAX / 2, 4)), ENOMEM);
	char *keep = malloc(100);
	memset(keep, 'k', 100);
	EXPECT_ERRNO("realloc to 2^47", got(realloc(keep, 1ul << 47)), ENOMEM);
	edge_check("the block realloc refused is intact", keep[0] == 'k' && keep[99] == 'k',
		   "changed");
	free(keep);
	EXPECT_ERRNO("aligned_alloc 2^47", got(aligned_alloc(4096, 1ul << 47)), ENOMEM);

	/* brk: a request it cannot meet returns the old break. */
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	edge_check("brk(0) reports the break", cur != 0 && cur != (uintptr_t)-1, "%#lx",
		   (unsigned long)cur);
	uintptr_t r = (uintptr_t)syscall(SYS_brk, 0x900000000000ul);
	edge_check("brk past the user half is refused", r == cur, "returned %#lx, break was %#lx",
		   (unsigned long)r, (unsigned long)cur);
	r = (uintptr_t)syscall(SYS_brk, 0xffff800000000000ul);
	edge_check("brk into the kernel half is refused", r == cur, "returned %#lx",
		   (unsigned long)r);
	r = (uintptr_t)syscall(SYS_brk, 1);
	edge_check("brk below the heap's start is refused", r == cur, "returned %#lx",
		   (unsigned long)r);
	/* A mapping just above the break blocks growth into it. */
	uintptr_t wall = (cur + 64 * PAGE) & ~(PAGE - 1);
	p = mmap((void *)wall, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0);
	if (p != (void *)wall) {
		edge_check("place a mapping above the break", 0, "%s", edge_errname(errno));
	} else {
		r = (uintptr_t)syscall(SYS_brk, wall + 16 * PAGE);
		edge_check("brk over a mapping is refused", r == cur,
			   "returned %#lx, break was %#lx", (unsigned long)r, (unsigned long)cur);
		r = (uintptr_t)syscall(SYS_brk, cur + 8 * PAGE);
		edge_check("brk up to just below it works", r == cur + 8 * PAGE, "returned %#lx",
			   (unsigned long)r);
		volatile char *top = (char *)(cur + 8 * PAGE - 1);
		*top = 1;
		r = (uintptr_t)syscall(SYS_brk, cur);
		edge_check("brk shrinks back", r == cur, "returned %#lx", (unsigned long)r);
		/* Memory given back and taken again is fresh: zero, not the old bytes. */
		r = (uintptr_t)syscall(SYS_brk, cur + 8 * PAGE);
		edge_check("brk grows again", r == cur + 8 * PAGE, "returned %#lx", (unsigned long)r);
		edge_check("the regrown page reads zero", *top == 0, "it still holds %d", *top);
		syscall(SYS_brk, cur);
		munmap(p, PAGE);
	}
	edge_check("malloc still works", (p = malloc(1 << 20)) != NULL, "%s", edge_errname(errno));
	free(p);
	edge_exit();
}
