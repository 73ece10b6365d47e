# OSR code that goes in during a later call than the one that asked for it
# (tests/jit/tiers/osr_pending.c: nest's first call asks, in its narrow
# loop nest; the compile is held until the second call has begun, in a
# wide nest). While the code is on its way, nest's tier-0 cycles, which
# made it look hot at its second call, were the loop's that the code
# runs: no code for the whole function is asked for then (nest is never
# called a third time; jpeg's walk_blocks had its whole body compiled for
# nothing so). Once in, the second call enters it at the narrow nest's
# next header, at most 207 headers on: its tier-0 loop count, which the
# OSR code does not add to, ends within the wait for a header with code
# (1024 headers) of the count at the install. (With a wait of 8 the call
# ran on in tier 0: 79 million headers after the code went in.)
. tests/boot/common.inc
src=tests/jit/tiers/osr_pending.c
n=8000000
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" $n >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 1 --log-tiers --report --timeout 300 \
	--env BAREFLOW_RT_PROBES_IN_COMPILE=1 "$src" -- $n
expect_status 0
expect_output "^$(head -n 1 "$TMP/want")\$"
expect_output "^$(tail -n 1 "$TMP/want")\$"
expect_output "rt: 1 probes ran during the first compile"
line=$(grep "OSR nest: tier 0 -> 2 .* asked in call 1 " "$OUT") || fail "nest's first call got no OSR code"
expect_no_output "tier-up nest:"
installed=$(echo "$line" | sed -n 's/.*, installed after \([0-9]*\),.*/\1/p')
final=$(awk '$1 == "nest" { print $3 }' "$OUT")
[ -n "$installed" ] && [ -n "$final" ] || fail "no loop counts: '$installed' '$final'"
# A header counts itself before it enters the code: a count at the exit
# no higher than at the install says the second call had ended by then.
[ "$final" -gt "$installed" ] || fail "the code went in after the second call had ended"
[ $((final - installed)) -le 1024 ] ||
	fail "the second call ran on in tier 0: $((final - installed)) headers after the code went in"
echo "ok: the code went in after $installed headers; tier 0 ran $((final - installed)) more"
