# --strace: every system call with its arguments and result, on stderr only.
. tests/boot/common.inc
mkdir -p build/abi
[ -x build/abi/hello_args ] || clang-19 -static -O1 -o build/abi/hello_args tests/abi/hello_args.c
./bareflow run --strace --timeout 60 build/abi/hello_args x >"$OUT.stdout" 2>"$OUT" </dev/null
STATUS=$?
expect_status 42
expect_output '^\[strace\] brk(0, '
expect_output '^\[strace\] arch_prctl(0x1002, '
expect_output '\[strace\] write(0x1, 0x[0-9a-f]*, 0x[0-9a-f]*, .*) = [0-9]'
expect_output '^\[strace\] exit_group(0x2a, .*) = ?$'
! grep -q strace "$OUT.stdout" || fail "strace lines reached stdout"
grep -q 'argv\[1\]="x"' "$OUT.stdout" || fail "the program's own output is missing"
rm -f "$OUT.stdout"
