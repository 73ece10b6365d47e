# The CLI's mapping of QEMU's exit code, checked with a stand-in for QEMU:
# 2*(S+1)+1 -> S; 0 (reset) and 1 (QEMU error) -> 125; a hang -> 124.
. tests/boot/common.inc
fake=$(mktemp)
trap 'rm -f "$OUT" "$fake"' EXIT
printf '#!/bin/sh\n[ -n "$FAKE_SLEEP" ] && sleep "$FAKE_SLEEP"\necho fake qemu >&2\nexit "$FAKE_EXIT"\n' >"$fake"
chmod +x "$fake"
check() { # FAKE_EXIT EXPECTED
	FAKE_EXIT=$1 BAREFLOW_QEMU=$fake run ./bareflow demo --timeout 10
	[ "$STATUS" -eq "$2" ] || fail "qemu exit $1 should map to $2, got $STATUS"
}
check 3 0
check 5 1
check 7 2
check 253 125
check 0 125
expect_output "reset or powered off without reporting"
check 1 125
expect_output "qemu failed (exit 1)"
expect_output "fake qemu"
FAKE_SLEEP=30 FAKE_EXIT=3 BAREFLOW_QEMU=$fake run ./bareflow demo --timeout 1
expect_status 124
expect_output "timed out after 1 s"
