# Threaded code: functions that jump through their own labels' addresses
# (GNU C's computed goto, as interpreters dispatch) are recompiled like any
# other (tests/jit/threaded_code.c). run_long, one call looping for long
# through a static table of its labels, gets OSR code at one of its
# handlers: clang's one dispatch block, phis first, heads every loop
# through them, so its targets are where OSR enters; the OSR code jumps
# through a table of its own labels, as every version has. run_framed copies
# its table to its stack at each call: its later calls get new code, OSR
# never (the frame would hold the old code's addresses). remember keeps a
# label's address in a variable, which a new copy would jump through: it
# keeps its tier-0 code, and the report says why; so does remember_local,
# through local variables, and run_nested, which hands its stack's table
# to a call of itself (both once crashed in their new code). Before, every such
# function kept its tier-0 code (Lua's interpreter loop ran 4 times slower
# for it). --compile-threads 0 compiles in the order the policy asks. The
# output must equal the clang build's.
. tests/boot/common.inc
src=tests/jit/threaded_code.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 2000000 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers --report "$src" 2000000
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
expect_output "OSR run_long: tier 0 -> 2 .* in call 1 "
expect_output "tier-up run_framed: tier 0 -> 2"
expect_no_output "OSR run_framed"
for f in remember remember_local run_nested; do
	expect_output "$f .*not recompiled: keeps its labels' addresses where another copy would read them"
done
echo ok
