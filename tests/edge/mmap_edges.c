/* mmap, munmap and mprotect at their boundaries: zero lengths, unaligned
 * addresses, unmapped ranges, the top of the user half and beyond it,
 * MAP_FIXED_NOREPLACE on used ranges, and many small mappings. A refused
 * request must leave every existing mapping alone. */
#include "edge.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096ul
#define USER_END 0x7ffffffff000ul /* Linux's TASK_SIZE: the last page is never mapped */
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static long raw_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, long off)
{
	return syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static void mmap_args(void)
{
	EXPECT_ERRNO("mmap length 0", raw_mmap(0, 0, RW, ANON, -1, 0), EINVAL);
	EXPECT_ERRNO("mmap MAP_FIXED unaligned",
		     raw_mmap(0x10000001, PAGE, RW, ANON | MAP_FIXED, -1, 0), EINVAL);
	EXPECT_ERRNO("mmap unaligned offset", raw_mmap(0, PAGE, RW, ANON, -1, 1), EINVAL);
	EXPECT_ERRNO("mmap neither private nor shared", raw_mmap(0, PAGE, RW, MAP_ANONYMOUS, -1, 0),
		     EINVAL);
	EXPECT_ERRNO("mmap a file with fd -1", raw_mmap(0, PAGE, RW, MAP_PRIVATE, -1, 0), EBADF);
	EXPECT_ERRNO("mmap length rounding past 2^64", raw_mmap(0, -PAGE + 1, RW, ANON, -1, 0),
		     ENOMEM);
	EXPECT_ERRNO("mmap length 2^47", raw_mmap(0, 1ul << 47, RW, ANON, -1, 0), ENOMEM);
	EXPECT_ERRNO("mmap length 2^63", raw_mmap(0, 1ul << 63, RW, ANON, -1, 0), ENOMEM);

	long r = raw_mmap(0x10000123, PAGE, RW, ANON, -1, 0);
	edge_check("mmap with an unaligned hint picks an aligned address",
		   r > 0 && !(r & (PAGE - 1)), "returned %#lx (%s)", r, edge_errname(errno));
	munmap((void *)r, PAGE);
	r = raw_mmap(0xffff800000000000ul, PAGE, RW, ANON, -1, 0);
	edge_check("mmap with a kernel-half hint lands in the user half",
		   r > 0 && (unsigned long)r < USER_END, "returned %#lx (%s)", r,
		   edge_errname(errno));
	munmap((void *)r, PAGE);
	r = raw_mmap(USER_END - PAGE, 2 * PAGE, RW, ANON, -1, 0);
	edge_check("mmap with a hint that would cross the top lands below it",
		   r > 0 && (unsigned long)r + 2 * PAGE <= USER_END, "returned %#lx (%s)", r,
		   edge_errname(errno));
	munmap((void *)r, 2 * PAGE);
}

static void top_of_user_half(void)
{
	EXPECT_ERRNO("MAP_FIXED on the last user page",
		     raw_mmap(USER_END, PAGE, RW, ANON | MAP_FIXED, -1, 0), ENOMEM);
	EXPECT_ERRNO("MAP_FIXED at 2^47", raw_mmap(1ul << 47, PAGE, RW, ANON | MAP_FIXED, -1, 0),
		     ENOMEM);
	EXPECT_ERRNO("MAP_FIXED in the kernel half",
		     raw_mmap(0xffff800000000000ul, PAGE, RW, ANON | MAP_FIXED, -1, 0), ENOMEM);
	EXPECT_ERRNO("MAP_FIXED on the kernel image",
		     raw_mmap(0xffffffff80000000ul, PAGE, RW, ANON | MAP_FIXED, -1, 0), ENOMEM);
	EXPECT_ERRNO("MAP_FIXED wrapping past 2^64",
		     raw_mmap(0xfffffffffffff000ul, 2 * PAGE, RW, ANON | MAP_FIXED, -1, 0), ENOMEM);
	/* Crossing the top: refused before anything below is touched, which
	 * matters on a system whose stack lives just under it. */
	EXPECT_ERRNO("MAP_FIXED crossing the top",
		     raw_mmap(USER_END - 16 * PAGE, 32 * PAGE, RW, ANON | MAP_FIXED, -1, 0),
		     ENOMEM);
	EXPECT_ERRNO(
	    "MAP_FIXED_NOREPLACE crossing the top",
	    raw_mmap(USER_END - 16 * PAGE, 32 * PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0),
	    ENOMEM);
	EXPECT_ERRNO("munmap crossing the top", syscall(SYS_munmap, USER_END - PAGE, 4 * PAGE),
		     EINVAL);
	EXPECT_ERRNO("munmap in the kernel half", syscall(SYS_munmap, 0xffff800000000000ul, PAGE),
		     EINVAL);
	EXPECT_ERRNO("mprotect in the kernel half",
		     syscall(SYS_mprotect, 0xffff800000000000ul, PAGE, PROT_READ), ENOMEM);
	volatile char on_stack = 5;
	edge_check("the stack survived", on_stack == 5, "stack byte changed");
}

static void unmap_and_protect(void)
{
	char *p = mmap(NULL, 8 * PAGE, RW, ANON, -1, 0);
	if (p == MAP_FAILED) {
		edge_check("mmap 8 pages", 0, "%s", edge_errname(errno));
		return;
	}
	memset(p, 0x11, 8 * PAGE);
	EXPECT_ERRNO("munmap unaligned", syscall(SYS_munmap, p + 1, PAGE), EINVAL);
	EXPECT_ERRNO("munmap length 0", syscall(SYS_munmap, p, 0), EINVAL);
	EXPECT_ERRNO("mprotect unaligned", syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL);
	EXPECT_ERRNO("mprotect with unknown bits", syscall(SYS_mprotect, p, PAGE, 0x100), EINVAL);
	edge_check("mprotect length 0", syscall(SYS_mprotect, p, 0, PROT_READ) == 0, "%s",
		   edge_errname(errno));
	edge_check("munmap unaligned length rounds up", syscall(SYS_munmap, p + 6 * PAGE, 1) == 0,
		   "%s", edge_errname(errno));
	EXPECT_ERRNO("the rounded-up page is gone", syscall(SYS_mprotect, p + 6 * PAGE, PAGE, RW),
		     ENOMEM);
	edge_check("munmap of the middle", syscall(SYS_munmap, p + 2 * PAGE, 2 * PAGE) == 0, "%s",
		   edge_errname(errno));
	edge_check("munmap of an unmapped range succeeds",
		   syscall(SYS_munmap, p + 2 * PAGE, 2 * PAGE) == 0, "%s", edge_errname(errno));
	EXPECT_ERRNO("mprotect of an unmapped range",
		     syscall(SYS_mprotect, p + 2 * PAGE, PAGE, PROT_READ), ENOMEM);
	EXPECT_ERRNO("mprotect across a hole", syscall(SYS_mprotect, p, 8 * PAGE, PROT_READ),
		     ENOMEM);
	edge_check("pages around the hole kept",
		   p[PAGE] == 0x11 && p[4 * PAGE] == 0x11 && p[7 * PAGE] == 0x11,
		   "contents changed");
	/* Linux changed the part before the hole; make it writable again. */
	mprotect(p, 2 * PAGE, RW);
	p[0] = 1;

	EXPECT_ERRNO("MAP_FIXED_NOREPLACE on a used page",
		     raw_mmap((uintptr_t)p, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	EXPECT_ERRNO("MAP_FIXED_NOREPLACE overlapping a used page",
		     raw_mmap((uintptr_t)p + PAGE, 2 * PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0),
		     EEXIST);
	edge_check("the used page kept its contents", p[PAGE] == 0x11, "contents changed");
	long r = raw_mmap((uintptr_t)p + 2 * PAGE, 2 * PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
	edge_check("MAP_FIXED_NOREPLACE into the hole", r == (long)(p + 2 * PAGE),
		   "returned %#lx (%s)", r, edge_errname(errno));
	edge_check("the hole's new pages are zero", p[2 * PAGE] == 0 && p[4 * PAGE - 1] == 0,
		   "not zero");
	munmap(p, 8 * PAGE);
}

static void many_mappings(void)
{
	enum { N = 3000 };
	char *base = mmap(NULL, N * PAGE, PROT_READ, ANON, -1, 0);
	if (base == MAP_FAILED) {
		edge_check("reserve 3000 pages", 0, "%s", edge_errname(errno));
		return;
	}
	/* Alternate protections so no two neighbours can merge. */
	int ok = 1;
	for (int i = 0; i < N; i += 2)
		ok &= mprotect(base + i * PAGE, PAGE, RW) == 0;
	for (int i = 0; i < N; i += 2)
		base[i * PAGE] = (char)i;
	edge_check("3000 alternating areas", ok, "an mprotect failed: %s", edge_errname(errno));
	long sum = 0;
	for (int i = 0; i < N; i++)
		sum += base[i * PAGE];
	long want = 0;
	for (int i = 0; i < N; i += 2)
		want += (char)i;
	edge_check("their contents", sum == want, "sum %ld, expected %ld", sum, want);
	edge_check("one munmap over all of them", munmap(base, N * PAGE) == 0, "%s",
		   edge_errname(errno));
	EXPECT_ERRNO("all gone", syscall(SYS_mprotect, base + (N / 2) * PAGE, PAGE, PROT_READ),
		     ENOMEM);
}

/* The JIT's path: code written to an RW page runs once it is made RX. */
static void write_then_execute(void)
{
	unsigned char *p = mmap(NULL, PAGE, RW, ANON, -1, 0);
	if (p == MAP_FAILED) {
		edge_check("mmap a code page", 0, "%s", edge_errname(errno));
		return;
	}
	static const unsigned char code[] = {0xb8, 0x2a, 0, 0, 0, 0xc3}; /* mov eax, 42; ret */
	memcpy(p, code, sizeof code);
	edge_check("mprotect RW to RX", mprotect(p, PAGE, PROT_READ | PROT_EXEC) == 0, "%s",
		   edge_errname(errno));
	int r = ((int (*)(void))p)();
	edge_check("the code runs", r == 42, "returned %d", r);
	mprotect(p, PAGE, RW);
	p[1] = 7;
	mprotect(p, PAGE, PROT_READ | PROT_EXEC);
	r = ((int (*)(void))p)();
	edge_check("rewritten code runs anew", r == 7, "returned %d", r);
	munmap(p, PAGE);
}

int main(void)
{
	mmap_args();
	write_then_execute();
	top_of_user_half();
	unmap_and_protect();
	many_mappings();
	edge_exit();
}
