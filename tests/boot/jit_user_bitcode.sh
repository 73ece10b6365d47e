# Bitcode built the ways users build it, not as the CLI does (clang -O3
# -Xclang -disable-llvm-passes -g0), run by `jit PROG.bc`:
# - clang's default, -O0: every function is marked optnone and noinline,
#   which kept the tiers from optimizing or inlining anything; the runtime
#   drops the marks when a file marks every function so (runtime/jit/
#   llvm.c, unmark_unoptimized; an always_inline one, which -O0 leaves
#   unmarked, aside), so main's OSR code inlines key as in
#   jit_osr_inline.sh;
# - with debug information (-g, at -O0 and -O2): tier 0's instrumentation
#   and the versions built from pieces of several functions once failed
#   the verifier ("!dbg attachment points at wrong subprogram", exit 126),
#   or crashed LLVM's SROA on a variable record; the runtime drops debug
#   information as it reads the bitcode, which nothing it does reads;
# - the same bare-metal, where the host prepares the program and tier 0.
# Each output must equal the clang build's.
. tests/boot/common.inc
src=tests/jit/tiers/osr_inline.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 2000000 >"$TMP/want" || fail "the clang build failed"

# (-O0 leaves an always_inline function unmarked: the file is -O0's still)
printf '__attribute__((always_inline)) int plus_one(int x) { return x + 1; }\n' >"$TMP/ai.h"
for extra in "" "-include $TMP/ai.h"; do
	clang-19 -c -emit-llvm $extra -o "$TMP/o0.bc" "$src" || fail "clang -c -emit-llvm failed"
	run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers "$TMP/o0.bc" -- 2000000
	expect_status 0
	expect_output "^$(cat "$TMP/want")\$"
	osr=$(grep 'OSR main:' "$OUT")
	case $osr in
	*", inlining "*key*) ;;
	*) fail "-O0 bitcode ($extra): main's OSR code did not inline key: ${osr:-no OSR}" ;;
	esac
done

for flags in "-O0 -g" "-O2 -g"; do
	name=$(echo "$flags" | tr -d ' -')
	clang-19 $flags -c -emit-llvm -o "$TMP/$name.bc" "$src" || fail "clang $flags failed"
	run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers "$TMP/$name.bc" -- 2000000
	expect_status 0
	expect_output "^$(cat "$TMP/want")\$"
	expect_output "tier-up [a-z_]*: tier 0 -> 2"
done

# a specialization, its guard's misses, and generic code (guard.c's own
# comment), from -O0 -g bitcode
g=tests/jit/tiers/guard.c
clang-19 -O2 -o "$TMP/guard" "$g" || fail "clang failed"
"$TMP/guard" >"$TMP/gwant" || fail "the clang build failed"
clang-19 -O0 -g -c -emit-llvm -o "$TMP/guard.bc" "$g" || fail "clang -O0 -g failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers \
	--thresholds 100,1000000,1000,2000000 "$TMP/guard.bc"
expect_status 0
expect_output "^$(cat "$TMP/gwant")\$"
expect_output "specialized: arg1=7"

run ./bareflow jit --cache off --log-tiers --timeout 600 "$TMP/O0g.bc" -- 300000
expect_status 0
"$TMP/oracle" 300000 >"$TMP/want" || fail "the clang build failed"
expect_output "^$(cat "$TMP/want")\$"
echo ok
