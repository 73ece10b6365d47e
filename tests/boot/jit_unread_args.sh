# A function is profiled and specialized only on the arguments its body
# reads (runtime/jit/llvm.c, arg_kind): tests/jit/tiers/unread_args.c calls
# three handlers through a table with the same arguments, (&acc, 7 or 0,
# 3); op_step ignores its second with `(void)arg`, op_count reads neither,
# op_add reads both. The adaptive policy, compiling on the program's
# thread: op_add's -O3 version is specialized on both values, op_step's on
# the scale alone, op_count's on none (a guard on a value nothing reads
# costs every call and folds nothing). mix(dst, src, 0) ignores its third
# argument too, but a function that reads two pointers keeps every
# argument profiled: a specialization is what asks for its no-overlap
# version, whose guard must send its last call, with dst one element past
# src, to other code (one miss in --report). The same from -O2 bitcode, where an unread parameter has no use at all, and
# bare-metal, where the host prepares the program (and marks what is
# unread) for the guest. Each output must equal the clang build's.
. tests/boot/common.inc
src=tests/jit/tiers/unread_args.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 6000000 3 >"$TMP/want" || fail "the clang build failed"
clang-19 -O2 -c -emit-llvm -o "$TMP/o2.bc" "$src" || fail "clang -c -emit-llvm failed"
for prog in "$src" "$TMP/o2.bc"; do
	run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers --report "$prog" -- 6000000 3
	expect_status 0
	expect_output "^$(cat "$TMP/want")\$"
	expect_output "tier-up op_add: tier 0 -> 2 (-O3, specialized: arg1=7, arg2=3)"
	expect_output "tier-up op_step: tier 0 -> 2 (-O3, specialized: arg2=3)"
	expect_output "tier-up op_count: tier 0 -> 2 (-O3)"
	expect_output "tier-up mix: tier 0 -> 2 (-O3, specialized: arg2=0)"
	grep -q '^ *mix .*arg2=0) (1)$' "$OUT" || fail "mix's guard did not miss once, for its overlapping call"
done
run ./bareflow jit --cache off --compile-threads 0 --log-tiers --report --verbose "$src" -- 6000000 3
expect_status 0
expect_output "the program comes prepared"
expect_output "^$(cat "$TMP/want")\$"
expect_output "tier-up op_add: tier 0 -> 2 (-O3, specialized: arg1=7, arg2=3)"
expect_output "tier-up op_step: tier 0 -> 2 (-O3, specialized: arg2=3)"
expect_output "tier-up op_count: tier 0 -> 2 (-O3)"
expect_output "tier-up mix: tier 0 -> 2 (-O3, specialized: arg2=0)"
grep -q '^ *mix .*arg2=0) (1)$' "$OUT" || fail "bare-metal, mix's guard did not miss once"
echo ok
