# OSR code for loops that use a variable-length array declared before
# them (tests/jit/tiers/osr_vla.c: main's stencil over a grid of a size
# read at run time). The tier-0 call passes the array's address and row
# size in its frame; before, the loop's code was refused ("the loop uses a
# value computed before it") and main ran at tier 0 to the end. The
# compile is on main's thread (--compile-threads 0): the code goes in
# as it is asked for, whatever the machine's load.
. tests/boot/common.inc
src=tests/jit/tiers/osr_vla.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 300 200 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --timeout 120 --log-tiers --verbose \
	"$src" -- 300 200
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
expect_no_output "no OSR for main's loop"
expect_output "OSR main: tier 0 -> 2 .* in call 1 "
echo "ok: main's stencil got OSR code"
