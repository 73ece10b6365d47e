# A specialization's guard in a phase of other values
# (tests/jit/tiers/miss_phase.c: mix() specialized on k = 3 in a first
# phase of 2,000,000 calls; a second of 200,000 calls with k = 5 all miss).
# The misses are too few for a quarter of the calls since the guard went
# in, and each is a short call, whose cycles take long to reach a
# compile's worth; but from the guard's second look on, every call since
# its last look missed: generic code must become the fallback then, at
# the 400th miss (the first look comes at 200 misses at the latest, the
# next at twice as many). Synchronous, so that the count at the install is
# the look's. The runtime before asked at the 21,730th and 22,188th here.
. tests/boot/common.inc
src=tests/jit/tiers/miss_phase.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers --timeout 300 "$src"
expect_status 0
expect_output "^$(head -n 1 "$TMP/want")\$"
expect_output "^$(tail -n 1 "$TMP/want")\$"
expect_output "tier-up mix: tier 0 -> 2 (-O3, specialized: arg1=3)"
line=$(grep "fallback mix: generic -O3 code (" "$OUT") || fail "the misses got no generic code"
missed=$(echo "$line" | sed -n 's/.*generic -O3 code (\([0-9]*\) of .*/\1/p')
[ -n "$missed" ] || fail "no count of misses: $line"
[ "$missed" -le 400 ] || fail "generic code for the misses came at miss $missed, not at the guard's second look"
echo "ok: generic code for the misses at miss $missed"
