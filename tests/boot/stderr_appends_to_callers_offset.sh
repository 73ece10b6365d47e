# The program's stderr is written through the CLI's own fd 2, so it moves
# the caller's file offset and respects O_APPEND, as on Linux. QEMU used to
# reopen the file through /dev/fd/N with an offset of its own, and what the
# caller wrote next overwrote the program's text.
# The CLI runs without the ./bareflow script: its `make` sets O_APPEND on
# the caller's stderr (GNU make does so to files it writes to), which hides
# the bug.
. tests/boot/common.inc
. tests/boot/writer.inc
make -s all >&2 || exit 1

# same NAME SHELL-COMMAND: the file the command leaves in $F is the same
# natively and under bareflow (the command runs $W).
same() {
	rm -f "$TMP/f"
	W=$writer F=$TMP/f sh -c "$2" && cp "$TMP/f" "$TMP/native"
	rm -f "$TMP/f"
	W="build/bareflow-cli run --timeout 120 $writer" F=$TMP/f sh -c "$2" >"$OUT" 2>&1
	STATUS=$?
	expect_status 0
	cmp "$TMP/native" "$TMP/f" || fail "$1: the file differs from Linux's"
}

same "stderr, then the caller" '{ $W 2 3000; echo AFTER >&2; } 2>"$F"'
same "stdout, then the caller" '{ $W 1 3000; echo AFTER; } >"$F"'
same "stderr appended" 'echo BEFORE >"$F"; $W 2 3000 2>>"$F"; echo AFTER >>"$F"'
same "stdout and stderr on one file" '{ $W 1 3000; $W 2 3000; echo AFTER; } >"$F" 2>&1'
