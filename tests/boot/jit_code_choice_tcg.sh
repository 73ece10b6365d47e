# The code choice, bare-metal under QEMU's emulation (no AVX on offer):
# code for this CPU against code for any x86-64, each run for samples in
# turn, the faster kept. bench/real's qrcode has a function where it
# matters: penalty_finder_like, specialized on its static matrix, is given
# SSSE3 shuffles and SSE4.1 byte inserts that QEMU 7.2 runs through helper
# calls, and runs some 4 times slower than the same for any x86-64 (in
# most runs: in one of five or so, its code for this CPU came out as fast
# as any x86-64's, and was kept).
#
# The policy measures only a function whose -O3 code runs slower than its
# tier-0 code (run again beside it). Whether penalty_finder_like's does
# depends on which of its calls the figures come from: since the tier-0
# file's tier 0 is optimized, its -O3 code comes out faster in some runs
# and slower in others. So BAREFLOW_RT_MEASURE names the function to
# measure whatever its speed (the measurement and the choice are the
# policy's own), and the test checks them: --verbose says it measured,
# the choice follows the samples (any x86-64's kept only with a median
# ratio of its cycles over this CPU's below 1 - 5%, over 7 paired
# samples), the report says which was kept, no other function is
# measured, and the
# output is the clang build's. The compiles are synchronous
# (--compile-threads 0), so that when the callees' code goes in does not
# depend on the host's timing.
. tests/boot/common.inc
clang-19 -O2 -o "$TMP/aot" bench/real/qrcode/*.c -lm || fail "cannot build qrcode ahead of time"
"$TMP/aot" 150 >"$TMP/want" 2>/dev/null </dev/null || fail "the ahead-of-time qrcode failed"
./bareflow jit --cache off --compile-threads 0 --verbose --report --mem 1G --timeout 300 \
	--env BAREFLOW_RT_MEASURE=penalty_finder_like bench/real/qrcode/*.c -- 150 \
	>"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
cmp -s "$TMP/out" "$TMP/want" || fail "the output differs: $(diff "$TMP/want" "$TMP/out")"
expect_output "bareflow-rt: penalty_finder_like: its -O3 code ran [0-9]* cycles a call: measuring it against the same for any x86-64, as BAREFLOW_RT_MEASURE asks"
line=$(grep "^bareflow-rt: measured penalty_finder_like: " "$OUT") ||
	fail "penalty_finder_like was not measured"
ratio=$(echo "$line" | sed -n 's/.*sample by sample: \([0-9.]*\), the median of \([0-9]*\)[),].*/\1/p')
n=$(echo "$line" | sed -n 's/.*, the median of \([0-9]*\)[),].*/\1/p')
[ -n "$ratio" ] && [ -n "$n" ] || fail "no median ratio: $line"
case $line in
*"ended where"*"keeps any x86-64's")
	fail "any x86-64's code kept by a measurement ended early: $line"
	;;
*"keeps any x86-64's")
	[ "$n" = 7 ] && awk -v r="$ratio" 'BEGIN { exit !(r < 0.95) }' ||
		fail "any x86-64's code kept at a median ratio of $ratio over $n samples: $line"
	expect_output "penalty_finder_like .*(-O3 for any x86-64, arg0=[0-9]*); measured: .* kept any x86-64's"
	;;
*"keeps this CPU's")
	expect_output "penalty_finder_like .*; measured: .* kept this CPU's"
	;;
*) fail "no choice said: $line" ;;
esac
n=$(grep -c "measuring it against" "$OUT")
[ "$n" -eq 1 ] || fail "$n functions measured, not penalty_finder_like alone: $(grep "measuring it" "$OUT")"
echo "same     qrcode, penalty_finder_like measured ($line)"
