# A pointer argument that is always the same function is specialized on,
# as the function itself (runtime/jit/tiers.c, spec_constant): calls
# through it are direct, and may be inlined, which clang cannot do for a
# callback passed from another file. tests/jit/tiers/callback.c, fixed
# thresholds, hosted, compiling on the program's thread: each, given
# count_even as its callback 5000 times, gets its tier-2 version at its
# 5000th loop iteration (round 79), specialized on the callback; the
# callback, whose tier-1 version counts its calls through its stub, is then
# called no more (320,000 calls before, about 5,000 now). The last call
# passes count_odd: the guard sends it to other code (one miss). A second
# run from the code cache: each's cached guard compares with this run's
# stub, so count_even is called no more at all. Then the adaptive policy,
# hosted and bare-metal (the compile server makes the version, the guest
# links it against its own stubs), each specialized on its callback. Each
# output must equal the clang build's.
. tests/boot/common.inc
src=tests/jit/tiers/callback.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 5000 >"$TMP/want" || fail "the clang build failed"
# fixed: the run with fixed thresholds, from the code cache in $TMP/cache
fixed() {
	run ./bareflow jit --hosted --cache "$TMP/cache" --compile-threads 0 --report --log-tiers \
		--thresholds 100,1000,1000000,5000 "$src" -- 5000
	expect_status 0
	expect_output "^$(cat "$TMP/want")\$"
}
# even_calls: count_even's calls in the last run's report
even_calls() { awk '$1 == "count_even" && $2 ~ /^[0-9]+$/ { print $2 }' "$OUT"; }
fixed
expect_output "tier-up each: tier 1 -> 2 (-O3, specialized: .*arg2="
calls=$(even_calls)
[ -n "$calls" ] || fail "no report line for count_even"
[ "$calls" -lt 20000 ] || fail "count_even was called $calls times: each's version called it"
grep -q '^ *each .*arg2=[0-9]*) (1)$' "$OUT" || fail "each's guard did not miss once, for count_odd"
fixed
expect_output "cached each: tier 2 (-O3, specialized: .*arg2="
again=$(even_calls)
[ "$again" = "$calls" ] ||
	fail "count_even was called again from the cached version ($calls calls, now $again)"

"$TMP/oracle" 300000 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off "$src" -- 300000
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
run ./bareflow jit --timeout 300 --cache off --report "$src" -- 300000
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
grep -q '^ *each .*arg2=' "$OUT" || fail "bare-metal, each was not specialized on its callback"
echo ok
