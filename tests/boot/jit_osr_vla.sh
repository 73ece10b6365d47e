# OSR code among variable-length arrays (tests/jit/tiers/osr_vla.c): main's
# stencil over a grid declared after a loop, scoped's array in an inner
# scope followed by calls, rows's array declared anew in each round of its
# outer loop, picked's element of a local array whose index a loop in a
# statement expression computes, cube's array declared in the outermost of
# three loops (its copy stopped at the middle loop's header and was
# refused: "does not stand on its own"). Each must get OSR code in its one call
# and print the clang build's output (picked's code read the element from
# the tier-0 frame's copy of the array while its loop wrote its own, and
# printed less than clang's build). Before, the loops were refused ("the loop uses a value
# computed before it") and ran at tier 0 to the end; with the values
# passed but the saved stack pointer restored as it was, scoped's code
# went on past its scope on the tier-0 call's stack, and died by SIGSEGV.
# The compiles are on the program's thread (--compile-threads 0): the
# code goes in as it is asked for, whatever the machine's load.
. tests/boot/common.inc
src=tests/jit/tiers/osr_vla.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 300 200 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --timeout 120 --log-tiers --verbose \
	"$src" -- 300 200
expect_status 0
expect_output "^$(cat "$TMP/want" | head -n 1)\$"
expect_output "^$(cat "$TMP/want" | sed -n 2p)\$"
expect_output "^$(cat "$TMP/want" | sed -n 3p)\$"
expect_output "^$(cat "$TMP/want" | sed -n 4p)\$"
expect_output "^$(cat "$TMP/want" | sed -n 5p)\$"
expect_no_output "no OSR for"
for f in main scoped rows picked cube; do
	expect_output "OSR $f: tier 0 -> 2 .* in call 1 "
done
echo "ok: main, scoped, rows, picked and cube got OSR code"
