# OSR code inlines a small helper whose own code is final (runtime/jit/
# whole.c, jit_offer): tests/jit/tiers/osr_inline.c, hosted, compiling on
# the program's thread. key, a small helper with a loop of its own, gets
# -O3 code that counts nothing (final: no later version will come from
# its profile) in a warm-up of 500000 calls before main's loop starts (so
# the order does not hang on timing: a busy machine once let main's loop
# reach its rent first when both ran together); the OSR code must then
# inline key (--log-tiers names what it
# inlined). Before, OSR code inlined only helpers without loops or calls,
# and called key through its stub (bench/real's hashmap built its keys
# that way, 21% of its run). The output must equal the clang build's.
. tests/boot/common.inc
src=tests/jit/tiers/osr_inline.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 2000000 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers --report "$src" -- 2000000
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
order=$(grep -o 'tier-up key: tier 0 -> 2 (-O3)\|OSR main: tier 0 -> 2' "$OUT" | tr '\n' ';')
[ "$order" = "tier-up key: tier 0 -> 2 (-O3);OSR main: tier 0 -> 2;" ] ||
	fail "expected key's -O3 code, then main's OSR code; got: $order"
expect_osr_inlined main key
echo ok
