# Small untimed functions under emulation (runtime/prof/policy.c,
# untimed_cpc): tier 0 does not time a function of a few instructions
# without loops or calls, and the policy estimates its cycles from its
# size, scaled by the slowdown it measures as it starts. Bare-metal, under
# QEMU's emulation, compiles cost 40 to 60 times what they do hosted and
# such code runs 5 to 12 times slower; taken at the fitted host's speed,
# the estimate kept tests/jit/tiers/untimed_hot.c's mix at tier 0 for all
# of its 2,000,000 calls (some 2,600,000 were needed; a QR encoder's mask
# functions stayed there likewise). Now it tiers up as the two figures
# fall: with the compiles on the host, some 13,000 calls in. The compiles
# are synchronous, so that the tier-up is in and logged however slowly the
# host runs (an exit leaves a compile in the background running).
# The output must equal the clang build's.
. tests/boot/common.inc
src=tests/jit/tiers/untimed_hot.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 2000000 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --cache off --compile-threads 0 --log-tiers --timeout 600 "$src" -- 2000000
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
expect_output "tier-up mix: tier 0 -> 2"
echo ok
