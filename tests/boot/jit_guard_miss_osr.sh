# A call that a specialization's guard sends back to tier 0 (a miss) runs
# tier-0 code, whose loop counts, summed over such calls, reach the OSR
# trigger: the misses then get generic code of their own (a fallback, which
# serves every later miss) instead of OSR code for that one short call,
# compiled loop by loop (runtime/prof/policy.c, osr). bc's long division,
# specialized on one scale, had four of its loops compiled for OSR for
# calls at other scales. Here divide is specialized on the scale of its
# first 3,000 calls, then called at other scales: no OSR code for divide,
# generic code for its misses, and the output of the clang build.
. tests/boot/common.inc
cat >"$TMP/gm.c" <<-'END'
	#include <stdio.h>
	__attribute__((noinline)) unsigned long divide(unsigned long x, int scale)
	{
		unsigned long q = 0;
		for (int i = 0; i < scale; i++)
			for (int k = 0; k < 40; k++)
				q = q * 31 + ((x >> (k & 15)) ^ (unsigned long)i);
		return q;
	}
	int main(void)
	{
		unsigned long sum = 0;
		for (int c = 0; c < 3000; c++)
			sum += divide((unsigned long)c, 24);
		for (int c = 0; c < 20000; c++)
			sum += divide((unsigned long)c, 20 + c % 7);
		printf("%lx\n", sum);
		return 0;
	}
END
clang_oracle "$TMP/gm.c"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers "$TMP/gm.c"
expect_status 0
expect_output "^$want$"
expect_output "tier-up divide: tier 0 -> 2 (-O3, specialized: arg1=24)"
expect_output "fallback divide: generic -O3 code"
expect_no_output "OSR divide"
echo ok
