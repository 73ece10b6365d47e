# A program's stdout and stderr, sent to one file or pipe (2>&1), arrive in
# the order it wrote them, as on Linux, 0xff bytes included. Relaying them
# on two serial lines through two processes mixed them up ("l" of stdout,
# then stderr's report, then "ocked once"); they now share COM1, framed.
. tests/boot/common.inc
BB=/bin/busybox
[ -x "$BB" ] || fail "$BB is missing: run 'make setup' (package busybox-static)"
script='i=0; while [ $i -lt 40 ]; do printf "out%s \377" $i; printf "err%s\377\377\n" $i >&2
	i=$((i + 1)); done; echo last >&2; exit 3'
$BB sh -c "$script" >"$TMP/native" 2>&1
native=$?
./bareflow run --timeout 120 $BB sh -c "$script" >"$TMP/file" 2>&1
STATUS=$?
expect_status $native
cmp "$TMP/native" "$TMP/file" || fail "2>&1 into a file: the order differs from Linux's"
./bareflow run --timeout 120 $BB sh -c "$script" 2>&1 | cat >"$TMP/pipe"
cmp "$TMP/native" "$TMP/pipe" || fail "2>&1 into a pipe: the order differs from Linux's"
