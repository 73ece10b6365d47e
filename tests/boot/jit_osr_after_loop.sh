# A loop's OSR code goes in after the loop has ended, and a nest then runs
# at tier 0 in the same call: the nest gets OSR code of its own
# (tests/jit/tiers/osr_after_loop.c). A first version of the rule that
# lets a header without code wait for one with counted the waits of one
# loop in a row: the nest's two headers, alternating, waited for the rest
# of the call, each calling the runtime (20,000,000 rounds took 33 s
# instead of 0.05). The loop's code is compiled in the background while
# main sleeps; if it went in before the loop ended after all (a machine
# that compiles fast against its loop), the nest ran in that code and
# there is nothing to check but the output, which must equal the clang
# build's. The nest runs 40,000,000 rounds (about 30 ms at tier 0 per
# 4,000,000 here), so that its own compile, some 20 ms on an idle machine,
# goes in well before it ends on a busy one too.
. tests/boot/common.inc
src=tests/jit/tiers/osr_after_loop.c
na=3000000
rounds=40000000
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" $na $rounds >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --timeout 120 --log-tiers "$src" -- $na $rounds
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
first=$(grep "OSR main: tier 0 -> 2 .* in call 1 " "$OUT" | head -n 1)
[ -n "$first" ] || fail "main's first loop got no OSR code"
# In the background the line says after how many iterations the code went
# in; compiled on main's own thread (as when the compiler thread had too
# little of a CPU), it went in at once, while the loop ran.
in=$(echo "$first" | sed -n 's/.*, installed after \([0-9]*\),.*/\1/p')
if [ -z "$in" ] || [ "$in" -lt $na ]; then
	echo "ok: the first loop's code went in while it ran (${in:-at once}); the nest ran in it"
	exit 0
fi
block=$(echo "$first" | sed -n 's/.* at block \([0-9]*\),.*/\1/p')
grep "OSR main: tier 0 -> 2 .* in call 1 " "$OUT" | sed -n 2p | grep -v " at block $block," |
	grep -q . || fail "the nest got no OSR code of its own after the first loop's went in"
echo "ok: the nest got OSR code of its own"
