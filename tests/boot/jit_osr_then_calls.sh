# A function whose loop got OSR code in its first call is not compiled
# again whole for its next calls unless the tier-0 code they still run
# (outside the OSR code) pays for it (runtime/prof/policy.c,
# prof_spent_cycles): its later calls enter the OSR code as they reach the
# loop. tests/jit/tiers/osr_then_calls.c calls mix 4 times, each a loop of
# 20,000,000 iterations; the runtime before this rule compiled mix whole at
# its second call (25 ms hosted, 0.6 to 2 s under emulation) for calls that
# ran in the OSR code all the same. walk, recursive, gets OSR code in its
# first call too, and its entry compiled still: its OSR code calls it
# 100,000 times more, in tier-0 code (the rule's first version left it
# there, 4 times slower). The output must equal the clang build's.
. tests/boot/common.inc
src=tests/jit/tiers/osr_then_calls.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" >"$TMP/want" || fail "the clang build failed"
# On the program's thread (--compile-threads 0), and on a compiler thread,
# whose OSR code goes in while the call that asked runs on in tier 0: the
# cycles it ran before count, at the code's first entry, as before the
# code (policy.c's osr_in; they had counted as after, and mix was
# compiled whole at its second call all the same).
for threads in 0 1; do
	run ./bareflow jit --hosted --cache off --compile-threads $threads --log-tiers "$src"
	expect_status 0
	expect_output "^$(cat "$TMP/want")\$"
	expect_output "OSR mix: tier 0 -> 2 .* in call 1 "
	expect_no_output "tier-up mix"
	expect_output "OSR walk: tier 0 -> 2 .* in call 1 "
	expect_output "tier-up walk: tier 0 -> 2"
	echo "ok: $threads compiler threads"
done
