# Compiles on the program's thread, and the exit's work, run on stacks of
# the runtime's own (runtime/ownstack.c): tests/jit/tiers/small_stacks.c
# calls hot code from a signal handler on a 16 KiB alternate stack, and
# from a thread of 16 KiB, which ends the process (exit 3, --report's
# table written on its stack before). With compiles on the
# program's thread (--compile-threads 0, as on one CPU) and fixed
# thresholds, mix's and work's tier-ups came in the handler and churn's in
# the thread: LLVM overran those stacks (hosted, heap corruption and
# SIGABRT in the handler, SIGSEGV in the thread; bare-metal, a page fault
# in LLVM's pass builder); and the thread's exit died by SIGSEGV in
# --report's table (glibc's fprintf to unbuffered stderr puts 8 KiB on the
# stack). Hosted and bare-metal, compiling in the guest, the output and
# exit status must be the clang build's, with each compile logged.
. tests/boot/common.inc
src=tests/jit/tiers/small_stacks.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" >"$TMP/want"
[ $? -eq 3 ] || fail "the clang build did not exit 3"
want=$(cat "$TMP/want")
for where in --hosted "--compile-on guest"; do
	# shellcheck disable=SC2086 # two words on purpose
	run ./bareflow jit $where --cache off --compile-threads 0 --log-tiers --report --timeout 300 \
		--thresholds 100,5000,2000,200000 "$src"
	expect_status 3
	expect_output "^bareflow-rt report$"
	[ "$(grep '^handler\|^thread' "$OUT")" = "$want" ] || fail "$where: not the clang build's output"
	for line in "tier-up mix: tier 0 -> 1" "tier-up mix: tier 1 -> 2" "tier-up work: tier 0 -> 1" \
		"tier-up churn: tier 0 -> 1" "tier-up churn: tier 1 -> 2"; do
		expect_output "$line"
	done
done
echo ok
