# A function without loops called once in the whole program is its
# caller's private copy even when it has optimized code of its own
# (runtime/jit/whole.c, jit_offer), so that the optimizer inlines it as
# clang inlines a static function called once; before, it was offered
# available_externally, and a state machine called per byte stayed a call
# through its stub (bench/real's tokenizer: 12% of a warm run's samples).
# Hosted, compiling on the program's thread; each output must equal the
# clang build's.
#
# tests/jit/tiers/private_compiled.c, fixed thresholds: step, called 64
# times a round by feed, reaches call 100 and gets its tier-1 version first;
# feed's version, at feed's call 100, must hold step: step's calls stop
# there (640,000 before, about 6,400 now).
#
# tests/jit/tiers/osr_private.c, the adaptive policy: step gets final -O3
# code, then main's loop its OSR code, which must inline step (--log-tiers
# names what it inlined); before, OSR code took such a helper only
# available_externally, and called it. The order hangs on timing (both
# wait for their rent in cycles; step cannot be warmed up apart, as it
# must have one call only): idle, step comes at about 90,000 calls and
# the OSR at 240,000 iterations, but a loaded machine flipped it in 4 runs
# of 10. So the run is made up to 3 times, until the order holds.
. tests/boot/common.inc
src=tests/jit/tiers/private_compiled.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 10000 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --report --log-tiers \
	--thresholds 100,1000000,1000000000,1000000000 "$src" -- 10000
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
order=$(grep -o 'tier-up [a-z]*: tier 0 -> 1' "$OUT" | tr '\n' ';')
[ "$order" = "tier-up step: tier 0 -> 1;tier-up feed: tier 0 -> 1;" ] ||
	fail "expected step's version, then feed's; got: $order"
calls=$(awk '$1 == "step" && $2 ~ /^[0-9]+\+?$/ { print $2 + 0 }' "$OUT")
[ -n "$calls" ] || fail "no report line for step"
[ "$calls" -lt 20000 ] || fail "step was called $calls times: feed's version called it"

src=tests/jit/tiers/osr_private.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 2000000 >"$TMP/want" || fail "the clang build failed"
for try in 1 2 3; do
	run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers --report "$src" \
		-- 2000000
	expect_status 0
	expect_output "^$(cat "$TMP/want")\$"
	order=$(grep -o 'tier-up step: tier 0 -> 2 (-O3)\|OSR main: tier 0 -> 2' "$OUT" | tr '\n' ';')
	[ "$order" = "tier-up step: tier 0 -> 2 (-O3);OSR main: tier 0 -> 2;" ] && break
	[ "$try" -lt 3 ] || fail "expected step's -O3 code, then main's OSR code, 3 times; got: $order"
done
grep -q '^ *step .*(-O3, uncounted)' "$OUT" || fail "step's -O3 code counts its calls: not final"
osr=$(grep 'OSR main:' "$OUT")
case $osr in
*", inlining "*step*) ;;
*) fail "main's OSR code did not inline step: $osr" ;;
esac
echo ok
