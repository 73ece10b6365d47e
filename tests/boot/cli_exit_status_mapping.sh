# The CLI's mapping of QEMU's exit code, checked with a stand-in for QEMU:
# 2*(S+1)+1 -> S; 255 -> the status in the kernel log; 0 (reset) and 1 (QEMU
# error) -> 125; a hang -> 124.
. tests/boot/common.inc
fake_qemu
check() { # FAKE_EXIT EXPECTED
	FAKE_EXIT=$1 run ./bareflow demo --timeout 10
	[ "$STATUS" -eq "$2" ] || fail "qemu exit $1 should map to $2, got $STATUS"
}
check 3 0
check 5 1
check 7 2
check 253 125
check 255 125
expect_output "reported no exit status"
FAKE_LOG='boot\nbareflow-exit-status 139\n' check 255 139
FAKE_LOG='bareflow-exit-status 126\n' check 255 126
check 0 125
expect_output "^bareflow: the guest reset or powered off without reporting an exit status"
check 1 125
expect_output "^bareflow: qemu failed (exit 1)"
expect_output "^fake qemu"
check 2 125
expect_output "qemu failed (exit 2)"

FAKE_SIGNAL=KILL run ./bareflow demo --timeout 10
expect_status 125
expect_output "qemu was killed by signal 9"

start=$(date +%s)
FAKE_SLEEP=30 run ./bareflow demo --timeout 1
expect_status 124
expect_output "timed out after 1 s"
[ $(($(date +%s) - start)) -lt 10 ] || fail "the timeout took too long"

BAREFLOW_QEMU=$TMP/no-such-qemu run ./bareflow demo
expect_status 125
expect_output "cannot run .*no-such-qemu"
