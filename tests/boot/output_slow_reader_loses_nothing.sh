# A reader that pauses, or starts late, slows the program down and loses
# nothing: the guest waits for the serial port, QEMU for the pipe, the CLI
# for our stdout. The guest's serial writer used to give up after a fixed
# number of polls and drop bytes. The bytes must hash as on Linux.
. tests/boot/common.inc
. tests/boot/writer.inc
size=1048576
want=$($writer 1 $size | sha256sum)

# stdout: the reader takes 100 KiB, pauses 2 s, then reads the rest (dd
# reads exactly what it passes on, unlike head, which reads ahead).
got=$({ ./bareflow run --timeout 300 $writer 1 $size 2>"$OUT"; echo $? >"$TMP/status"; } |
	{ dd bs=4096 count=25 iflag=fullblock 2>/dev/null; sleep 2; cat; } | sha256sum)
STATUS=$(cat "$TMP/status")
expect_status 0
[ "$got" = "$want" ] || fail "stdout behind a pausing reader differs from Linux's bytes"

# stderr: the reader starts 3 s late.
got=$({ ./bareflow run --timeout 300 $writer 2 $size 2>&1 >"$OUT"; echo $? >"$TMP/status"; } |
	{ sleep 3; cat; } | sha256sum)
STATUS=$(cat "$TMP/status")
expect_status 0
[ "$got" = "$want" ] || fail "stderr behind a late reader differs from Linux's bytes"
