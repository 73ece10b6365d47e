# --timeout also bounds the wait for a reader that does not read: when the
# program has finished but its output still waits in the CLI's relays, the
# CLI stops at the timeout with 124, as `timeout` does on Linux with the
# program blocked in write. Without the bound it waited for the reader.
. tests/boot/common.inc
. tests/boot/writer.inc
{ timeout 2 $writer 1 100000; echo $? >"$TMP/native"; } | sleep 8
start=$(date +%s)
{
	./bareflow run --timeout 2 $writer 1 100000 2>"$OUT"
	echo $? >"$TMP/status"
	echo $(($(date +%s) - start)) >"$TMP/took"
} | sleep 8
STATUS=$(cat "$TMP/status")
expect_status "$(cat "$TMP/native")"
expect_output "timed out after 2 s"
[ "$(cat "$TMP/took")" -lt 7 ] || fail "the CLI waited $(cat "$TMP/took") s for the reader"
