# OSR code inlines a small helper whose final code is asked for but not yet
# made (runtime/jit/whole.c, osr_inlines; jit_expect): tests/jit/tiers/
# osr_coming.c, hosted, with a compiler thread. warm's OSR compile, the
# first, is held (BAREFLOW_RT_PROBES_IN_COMPILE=0,1,2) until two jobs wait,
# in either order: label's -O3 code, which counts nothing (final), and
# main's OSR code, which goes first (an OSR job is the most urgent). Before, the OSR code,
# made while label's code was still in the queue, called label through its
# stub for the rest of main's only call (bench/real's hashmap, when its
# replay loop's OSR compile came first: its key builder 15% of the run as
# a call against 12% for the whole loop inlined). The output must equal
# the clang build's.
. tests/boot/common.inc
src=tests/jit/tiers/osr_coming.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 2000000 >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 1 --log-tiers --report --timeout 300 \
	--env BAREFLOW_RT_PROBES_IN_COMPILE=0,1,2 "$src" -- 2000000
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
expect_output "probes ran during the first compile, 2 jobs waited$"
got=$(grep -o 'OSR [a-z]*: tier 0 -> 2\|tier-up [a-z]*: tier 0 -> 2' "$OUT" | tr '\n' ';')
[ "$got" = "OSR warm: tier 0 -> 2;OSR main: tier 0 -> 2;tier-up label: tier 0 -> 2;" ] ||
	fail "expected warm's OSR code, main's, then label's -O3 code; got: $got"
expect_osr_inlined main label
echo ok
