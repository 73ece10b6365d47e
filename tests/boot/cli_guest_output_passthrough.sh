# stdout carries the guest's serial output byte for byte (NUL, CR, bytes
# above 127) and nothing else; CLI and QEMU messages go to stderr.
. tests/boot/common.inc
fake_qemu
FAKE_OUTPUT='a\000b\r\n\377\001z' ./bareflow demo --verbose >"$TMP/stdout" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
printf 'a\000b\r\n\377\001z' >"$TMP/want"
cmp "$TMP/want" "$TMP/stdout" || fail "stdout differs from the guest's bytes"
expect_output "^bareflow: running: .*qemu "
expect_output "^fake qemu"
# Without --verbose, QEMU's own stderr is not shown when all went well.
run ./bareflow demo
expect_status 0
expect_no_output "fake qemu"
expect_no_output "running:"
