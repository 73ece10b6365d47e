# Under QEMU's emulation (no AVX on offer), the choice between code for
# this CPU and code for any x86-64 is measured only for a function whose
# -O3 code runs slower than its tier-0 code. bench/real's qrcode has one:
# penalty_finder_like, specialized on its static matrix, is given SSSE3
# shuffles and SSE4.1 byte inserts that QEMU 7.2 runs through helper
# calls. Bare-metal: --verbose says it ran slower than its tier-0 code run
# again beside it, the measurement keeps any x86-64's code for it, the
# report's tier history shows that code went in, and the output is the
# clang build's. A function whose -O3 code is faster (the same program's
# others; jit_tcg_no_avx.sh's dot) is not measured at all. The compiles are
# synchronous (--compile-threads 0): in the background, when the callees'
# code goes in depends on the host's timing, and tier 0's sample, callees
# included, came out at 4.1 million cycles a call in one run in six (a
# callee's guard missed to its tier-0 code meanwhile) against 2.2 million
# in the others, and no choice was made.
. tests/boot/common.inc
clang-19 -O2 -o "$TMP/aot" bench/real/qrcode/*.c -lm || fail "cannot build qrcode ahead of time"
"$TMP/aot" 150 >"$TMP/want" 2>/dev/null </dev/null || fail "the ahead-of-time qrcode failed"
./bareflow jit --cache off --compile-threads 0 --verbose --report --mem 1G --timeout 300 \
	bench/real/qrcode/*.c -- 150 \
	>"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
cmp -s "$TMP/out" "$TMP/want" || fail "the output differs: $(diff "$TMP/want" "$TMP/out")"
expect_output "bareflow-rt: penalty_finder_like: its -O3 code ran [0-9]* cycles a call, its tier-0 code [0-9]* with its callees beside it: measuring it against the same for any x86-64"
expect_output "bareflow-rt: measured penalty_finder_like: .*: keeps any x86-64's"
expect_output "penalty_finder_like .*(-O3 for any x86-64, arg0=[0-9]*); measured: .* kept any x86-64's"
n=$(grep -c "measuring it against" "$OUT")
[ "$n" -eq 1 ] || fail "$n functions measured, not penalty_finder_like alone: $(grep "measuring it" "$OUT")"
echo "same     qrcode, penalty_finder_like measured and compiled for any x86-64"

