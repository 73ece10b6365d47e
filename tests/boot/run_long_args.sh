# Arguments and environment far beyond the kernel's 1 KiB command line, with
# newlines, empty strings and "--", reach the program exactly as on Linux
# (they travel in the boot archive). Past Linux's limit (a quarter of the
# 8 MiB stack) the program cannot start: 126, with the reason.
. tests/boot/common.inc
[ -x build/abi/hello_args ] || clang-19 -static -O1 -o build/abi/hello_args tests/abi/hello_args.c ||
	fail "cannot build hello_args"
long=$(head -c 100000 /dev/zero | tr '\0' y)
set -- "$long" "$long" "two
lines" "" -- "tab	and \"quotes\""
env -i "A=$long" build/abi/hello_args "$@" >"$TMP/native" 2>&1
native=$?
run ./bareflow run --env "A=$long" build/abi/hello_args "$@"
expect_status "$native"
cmp -s "$TMP/native" "$OUT" || fail "the program saw different arguments (native status $native)"
# 24 arguments of 100000 bytes: 2.4 MB, over the 2 MiB a program may get.
set --
for i in $(seq 24); do set -- "$@" "$long"; done
run ./bareflow run build/abi/hello_args "$@"
expect_status 126
expect_output "Argument list too long"
