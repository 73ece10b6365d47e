# Whole-program facts (runtime/jit/whole.c, jit_offer): a function that
# only one other calls is a private copy in its caller's versions, even
# when that caller is itself only offered for inlining to a hot function's
# version, so the optimizer folds it in as clang folds a static function
# called once. tests/jit/tiers/single_calls.c: hot's version (tier 1 at
# call 100, compiled on the program's thread, before wrap or mix have code
# of their own) is offered wrap to inline and mix privately; mix is folded
# into wrap, so from then on mix is called no more (offered
# available_externally, it stayed a call from every round: 10000 calls).
# The output must equal the clang build's.
. tests/boot/common.inc
src=tests/jit/tiers/single_calls.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 10000 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --report \
	--thresholds 100,1000000,1000000000,1000000000 "$src" -- 10000
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
calls=$(awk '$1 == "mix" && $2 ~ /^[0-9]+\+?$/ { print $2 + 0 }' "$OUT")
[ -n "$calls" ] || fail "no report line for mix"
[ "$calls" -lt 1000 ] || fail "mix was called $calls times: not folded into wrap's private copy"
echo ok
