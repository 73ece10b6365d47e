# Whole-program facts (runtime/jit/whole.c, jit_offer): a function that
# only one other calls is a private copy in a version's module when its
# caller is offered to that version for inlining, so the optimizer folds
# it in as clang folds a static function called once.
# tests/jit/tiers/single_calls.c, fixed thresholds, compiles on the
# program's thread: wrap reaches call 100 first (main calls it once more)
# and gets its version, mix folded in; hot's version follows, offered wrap
# (small, two callers) to inline and mix privately below it. Before, mix
# was offered available_externally there, stayed a call from hot's
# version, and was called in every round (10000 calls); now mix is folded
# into wrap's copy, hot's version calls wrap's version, and mix is called
# no more after wrap's version went in. The output must equal the clang
# build's.
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
