# A version specialized on a pointer to a function (a callback) names that
# function, and may inline it: the callback's body is kept in the version's
# module, and so must be the bodies it calls, or each of their calls stays
# a call through a stub inside the inlined callback (xxHash's XXH3, its
# stripe callback calling a SIMD intrinsic per operation, ran 25 times
# slower than clang's code). Here hash, whose call site passes one of two
# callbacks (so that the whole-program step cannot fold the pointer),
# calls stripe per 32 bytes; stripe, hot first on its own, reads through
# load8, which nothing else calls. Hash's -O3 version, specialized on
# stripe, must inline stripe with load8 in it: its object must not
# reference load8. The output must equal the clang build's. (hash runs
# 12,000 calls: at 3,000 its cycles came to about its rent, a quarter of
# its compile's predicted time, and on a loaded machine, where the tier-0
# compile and so every prediction took 1.6 times as long, one run in five
# or six ended before hash was compiled.)
. tests/boot/common.inc
cat >"$TMP/cb.c" <<-'END'
	#include <stdio.h>
	#include <stdlib.h>
	#include <string.h>
	typedef void (*stripe_fn)(unsigned long *acc, const unsigned char *p);
	static inline __attribute__((always_inline)) unsigned long load8(const unsigned char *p)
	{
		unsigned long v;
		memcpy(&v, p, sizeof v);
		return v;
	}
	static inline __attribute__((always_inline)) unsigned long rotl(unsigned long x, int r)
	{
		return x << r | x >> (64 - r);
	}
	void stripe(unsigned long *acc, const unsigned char *p)
	{
		for (int i = 0; i < 4; i++)
			acc[i] = rotl(acc[i] + load8(p + 8 * i) * 0x9E3779B185EBCA87ul, 31) *
				 0xC2B2AE3D27D4EB4Ful;
	}
	void stripe_rev(unsigned long *acc, const unsigned char *p)
	{
		for (int i = 0; i < 4; i++)
			acc[3 - i] ^= rotl(load8(p + 8 * i), 17);
	}
	__attribute__((noinline)) unsigned long hash(const unsigned char *p, size_t n, stripe_fn f)
	{
		unsigned long acc[4] = {1, 2, 3, 4};
		for (size_t i = 0; i + 32 <= n; i += 32)
			f(acc, p + i);
		return rotl(acc[0], 1) ^ rotl(acc[1], 7) ^ rotl(acc[2], 12) ^ rotl(acc[3], 18);
	}
	int main(int argc, char **argv)
	{
		(void)argv;
		size_t n = 4096;
		unsigned char *buf = malloc(n);
		unsigned long h, warm[4] = {0};
		if (!buf)
			return 1;
		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)(i * 131 + 7);
		for (long r = 0; r < 100000; r++) /* the callback alone first */
			stripe(warm, buf + 32 * (r % 128));
		h = warm[0] ^ warm[3];
		for (long r = 0; r < 12000; r++) {
			buf[r % n]++;
			h ^= hash(buf, n, argc > 2 ? stripe_rev : stripe) + (unsigned long)r;
		}
		printf("%lx\n", h);
		free(buf);
		return 0;
	}
END
clang_oracle "$TMP/cb.c"
mkdir "$TMP/objs"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers \
	--env BAREFLOW_RT_OBJECTS="$TMP/objs" "$TMP/cb.c"
expect_status 0
expect_output "^$want$"
expect_output "tier-up hash: tier 0 -> 2 (-O3, specialized: .*arg2="
n=0
for o in "$TMP"/objs/*.o; do
	llvm-nm-19 --defined-only "$o" >"$TMP/defined" || fail "llvm-nm-19 cannot read $o"
	grep -q ' hash\..*\.bf2' "$TMP/defined" || continue
	n=$((n + 1))
	llvm-nm-19 --undefined-only "$o" >"$TMP/undefined" || fail "llvm-nm-19 cannot read $o"
	! grep -q ' load8' "$TMP/undefined" ||
		fail "hash's version calls load8 (in $o: $(tr '\n' ' ' <"$TMP/undefined"))"
done
[ "$n" -ge 1 ] || fail "no object holds hash's -O3 version"
echo ok
