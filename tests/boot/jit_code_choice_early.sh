# The code choice's measurement ends at its first paired ratio that does
# not favour the other code (runtime/prof/policy.c, decide): the other is
# kept only if all seven ratios of a full measurement favour it, so that
# ratio has made the choice. Hosted, BAREFLOW_RT_MEASURE=saxpy has a float
# loop measured: its code for this CPU against the same for any x86-64
# (SSE2, 4 floats a step where AVX does 8 or 16). The rule's two outcomes
# are checked for what they must be: a measurement that --verbose says
# ended early kept this CPU's code, with fewer than seven ratios (the
# profile's "rounds", the other code's turns, at most four); one that
# did not ran four turns, and its ratios but perhaps the last were below
# 1, so their median too. Where this CPU has AVX, the SSE2 code is the
# slower and the first outcome is the one expected. The output must be
# clang's.
. tests/boot/common.inc
cat >"$TMP/saxpy.c" <<-'END'
	#include <stdio.h>
	#include <stdlib.h>
	void saxpy(float *restrict y, const float *restrict x, float a, int n)
	{
		for (int i = 0; i < n; i++)
			y[i] += a * x[i];
	}
	int main(int argc, char **argv)
	{
		int n = 4096, reps = argc > 1 ? atoi(argv[1]) : 1000;
		float *x = malloc(n * sizeof *x), *y = calloc(n, sizeof *y);
		for (int i = 0; i < n; i++)
			x[i] = (float)(i % 7) * 0.25f;
		for (int r = 0; r < reps; r++)
			saxpy(y, x, (float)(r % 3) * 0.5f, n);
		double s = 0;
		for (int i = 0; i < n; i++)
			s += y[i];
		printf("%.1f\n", s);
		return 0;
	}
END
clang-19 -O2 -o "$TMP/aot" "$TMP/saxpy.c" || fail "cannot build saxpy.c ahead of time"
"$TMP/aot" 400000 >"$TMP/want" || fail "the ahead-of-time build failed"
run ./bareflow jit --hosted --cache off --verbose --profile "$TMP/p.json" \
	--env BAREFLOW_RT_MEASURE=saxpy "$TMP/saxpy.c" -- 400000
expect_status 0
grep -v '^bareflow' "$OUT" >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" || fail "the output differs from clang's: $(diff "$TMP/want" "$TMP/got")"
expect_output "bareflow-rt: saxpy: its -O3 code ran [0-9]* cycles a call: measuring it against the same for any x86-64"
line=$(grep "^bareflow-rt: measured saxpy: " "$OUT") || fail "saxpy was not measured"
ratio=$(echo "$line" | sed -n 's/.*sample by sample: \([0-9.]*\), the median of \([0-9]*\).*/\1/p')
n=$(echo "$line" | sed -n 's/.*, the median of \([0-9]*\).*/\1/p')
[ -n "$ratio" ] && [ -n "$n" ] || fail "no median ratio: $line"
exp=$(grep -o '"cpu_experiment": {[^}]*}' "$TMP/p.json") || fail "no cpu_experiment in the profile"
rounds=$(echo "$exp" | sed -n 's/.*"rounds": \([0-9]*\).*/\1/p')
kept=$(echo "$exp" | sed -n 's/.*"kept": "\([a-z0-9_-]*\)".*/\1/p')
[ -n "$rounds" ] && [ -n "$kept" ] || fail "no rounds or kept in the profile: $exp"
case $line in
*"ended where a pair favoured the code before): keeps this CPU's")
	[ "$kept" = host ] || fail "ended early, yet the profile says $kept was kept: $exp"
	[ "$rounds" -le 4 ] && [ "$n" -lt 7 ] ||
		fail "ended early after $rounds turns and $n ratios: $line"
	how="ended early, after $rounds of 4 turns"
	;;
*"ended where"*)
	fail "ended early, yet did not keep this CPU's code: $line"
	;;
*)
	[ "$rounds" -eq 4 ] || fail "a full measurement of $rounds turns: $exp"
	awk -v r="$ratio" 'BEGIN { exit !(r < 1) }' ||
		fail "four turns, yet a median ratio of $ratio (not all below 1): $line"
	how="all four turns, median ratio $ratio"
	;;
esac
case $line in
*"ended where"*) ;;
*)
	if grep -Eq '^bareflow-rt: cpu .*[+]avx(,|$)' "$OUT"; then
		fail "this CPU has AVX, yet its code did not end the measurement: $line"
	fi
	;;
esac
echo "ok ($how: $line)"
