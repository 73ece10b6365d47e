# Compiles on the program's thread run on a stack of the runtime's own
# (runtime/prof/queue.c, compile_on_own_stack): tests/jit/tiers/
# small_stacks.c calls hot code from a signal handler on a 16 KiB
# alternate stack, and from a thread of 16 KiB. With compiles on the
# program's thread (--compile-threads 0, as on one CPU) and fixed
# thresholds, mix's and work's tier-ups came in the handler and churn's in
# the thread: LLVM overran those stacks (hosted, heap corruption and
# SIGABRT in the handler, SIGSEGV in the thread; bare-metal, a page fault
# in LLVM's pass builder). Hosted and bare-metal, compiling in the guest,
# the output must equal the clang build's, with each compile logged.
. tests/boot/common.inc
src=tests/jit/tiers/small_stacks.c
clang_oracle "$src"
for where in --hosted "--compile-on guest"; do
	# shellcheck disable=SC2086 # two words on purpose
	run ./bareflow jit $where --cache off --compile-threads 0 --log-tiers --timeout 300 \
		--thresholds 100,5000,2000,200000 "$src"
	expect_status 0
	[ "$(grep -v '^bareflow' "$OUT")" = "$want" ] || fail "$where: not the clang build's output"
	for line in "tier-up mix: tier 0 -> 1" "tier-up mix: tier 1 -> 2" "tier-up work: tier 0 -> 1" \
		"tier-up churn: tier 0 -> 1" "tier-up churn: tier 1 -> 2"; do
		expect_output "$line"
	done
done
echo ok
