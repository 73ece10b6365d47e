# A fault in JIT code is reported with the function's name, tier and
# specialization, hosted (by the runtime's handler) and bare-metal (by the
# kernel, from the code map the runtime publishes), not as "?": scale()
# crashes in its tier-2 code after 20,000 calls on the same arguments
# (tests/jit/see/crash_hot.c), and in its tier-0 code on its first call.
. tests/boot/common.inc
prog=tests/jit/see/crash_hot.c
thr=200,2000,5000,15000

for mode in hosted bare; do
	[ $mode = hosted ] && opts=--hosted || opts=
	run ./bareflow jit $opts --timeout 300 --thresholds $thr $prog
	expect_status 139
	expect_output "^Program killed by SIGSEGV.* at [0-9a-f]* in scale \[tier 2, arg0=0x[0-9a-f]*, arg1=96, arg2=3\]+0x[0-9a-f]*, fault address 0000000000000000"
	expect_output "^  #0  [0-9a-f]* scale \[tier 2, arg0=0x[0-9a-f]*, arg1=96, arg2=3\]+0x"
	echo "ok $mode: tier 2"

	run ./bareflow jit $opts --timeout 300 --thresholds $thr $prog 0
	expect_status 139
	expect_output "^Program killed by SIGSEGV.* in scale \[tier 0\]+0x"
	expect_output "^  #0  [0-9a-f]* scale \[tier 0\]+0x"
	expect_output "main \[tier 0\]+0x" # its caller, from the frame chain or the stack
	echo "ok $mode: tier 0"
done
