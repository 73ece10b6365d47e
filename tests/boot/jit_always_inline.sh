# A function the program asks to be inlined (always_inline) is offered to
# every version that calls it, whatever its size or loops, as clang
# inlines it at any size: OSR code, which otherwise inlines only
# straight-line helpers and those whose code is final, inlines it too.
# libdeflate's compressor runs one long call whose OSR code called its
# match finder (always_inline, with loops) through its stub, 27 million
# times. Here scan's one call OSRs while run_at, its always_inline helper
# with a loop, has no final code: a specialized version of its own, or
# none yet when the OSR comes first (the machine's timing decides; both
# kept it a call before). The OSR code must inline run_at, and the output
# equal the clang build's.
. tests/boot/common.inc
cat >"$TMP/ai.c" <<-'END'
	#include <stdio.h>
	#include <stdlib.h>
	static unsigned char buf[1 << 16];
	static inline __attribute__((always_inline)) unsigned run_at(const unsigned char *p,
								     unsigned max)
	{
		unsigned n = 1;
		while (n < max && p[n] == p[0])
			n++;
		return n;
	}
	static unsigned long scan(long rounds)
	{
		unsigned long total = 0;
		for (long r = 0; r < rounds; r++)
			for (unsigned i = 0; i + 64 < sizeof buf; i += 1 + (unsigned)(r & 3))
				total += run_at(buf + i, 64);
		return total;
	}
	int main(void)
	{
		for (unsigned i = 0; i < sizeof buf; i++)
			buf[i] = (unsigned char)((i / 7) % 5 == 0 ? 9 : i * 37);
		printf("%lu\n", scan(60));
		return 0;
	}
END
clang_oracle "$TMP/ai.c"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers "$TMP/ai.c"
expect_status 0
expect_output "^$want$"
expect_output "OSR scan: tier 0 -> 2 (-O3) .*inlining run_at"
echo ok
