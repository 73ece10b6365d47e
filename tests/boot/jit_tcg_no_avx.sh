# Under QEMU's emulation the JIT leaves the AVX family out of its code
# (QEMU runs it through slow helper calls): bare-metal, --verbose says so,
# the CPU features the tiers use have no AVX feature on, and a program
# whose loop the tiers vectorize gives the ahead-of-time build's output. A
# program that asks for AVX2 itself (an intrinsic in a function marked for
# it) gets it, and runs. The compiles are synchronous: the program is
# short, and an exit leaves a compile in the background running, its
# tier-up then never logged.
. tests/boot/common.inc
cat >"$TMP/dot.c" <<-'END'
	#include <stdio.h>
	static int a[4096], b[4096];
	static long dot(const int *x, const int *y, int n)
	{
		long s = 0;
		for (int i = 0; i < n; i++)
			s += (long)x[i] * y[i];
		return s;
	}
	int main(void)
	{
		for (int i = 0; i < 4096; i++)
			a[i] = i % 17 - 8, b[i] = i % 5 + 1;
		long t = 0;
		for (int r = 0; r < 2000; r++)
			t += dot(a, b, 4096 - r % 7);
		printf("%ld\n", t);
		return 0;
	}
END
clang-19 -O2 -o "$TMP/aot" "$TMP/dot.c" || fail "cannot build dot.c"
"$TMP/aot" >"$TMP/want" 2>/dev/null </dev/null
want=$?
./bareflow jit --cache off --compile-threads 0 --verbose --timeout 300 "$TMP/dot.c" >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
[ "$STATUS" -eq "$want" ] || fail "status $STATUS, ahead of time $want"
cmp -s "$TMP/out" "$TMP/want" || fail "the output differs: $(diff "$TMP/want" "$TMP/out")"
expect_output "bareflow-rt: this CPU is QEMU's emulation, which runs the AVX family slowly: code is generated without it"
expect_output "tier-up dot"
# faster at -O3 than at tier 0: no code choice is measured (jit_code_choice_tcg.sh)
expect_no_output "measuring it against"
expect_no_output "bareflow-rt: measured"
features=$(sed -n 's/^bareflow-rt: cpu [^,]*, features //p' "$OUT" | head -n 1)
[ -n "$features" ] || fail "no CPU features in the verbose output"
echo "$features" | tr ',' '\n' | grep -q '^-avx2$' || fail "avx2 is not off: $features"
on=$(echo "$features" | tr ',' '\n' | grep -E '^\+(avx|fma|f16c|vaes|vpclmulqdq|amx|evex512|xop)' | tr '\n' ' ')
[ -z "$on" ] || fail "AVX features on under emulation: $on"
echo "same     dot, bare-metal, without AVX"

./bareflow jit --cache off --verbose --timeout 300 tests/jit/cpu/avx2_intrinsic.c >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
[ "$(cat "$TMP/out")" = 1020000 ] || fail "avx2_intrinsic.c printed $(cat "$TMP/out"), not 1020000"
expect_no_output "code is generated without it"
features=$(sed -n 's/^bareflow-rt: cpu [^,]*, features //p' "$OUT" | head -n 1)
echo "$features" | tr ',' '\n' | grep -q '^+avx2$' || fail "avx2 is off for a program that asks for it: $features"
echo "same     avx2_intrinsic.c, bare-metal, with AVX2 as it asks"
