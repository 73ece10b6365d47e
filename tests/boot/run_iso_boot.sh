# An ISO from `run --iso` boots on its own (plain QEMU, through GRUB) and runs
# the program with the same arguments, byte for byte, and exit status as a
# native run: spaces, quotes, backslashes and other characters GRUB re-quotes
# on its way to the kernel.
. tests/boot/common.inc
mkdir -p build/abi
[ -x build/abi/hello_args ] || clang-19 -static -O1 -o build/abi/hello_args tests/abi/hello_args.c
set -- 'two words' 'q"uo\te' "it's" ' lead' 'a\\b' '$HOME;x' '"' 'a=b c'
build/abi/hello_args "$@" >"$TMP/native" </dev/null
native=$?
run ./bareflow run --iso "$TMP/app.iso" build/abi/hello_args "$@"
expect_status 0
timeout 120 qemu-system-x86_64 -cpu max -m 512M -display none -no-reboot -monitor none -nic none \
	-serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$TMP/app.iso" -boot d \
	>"$OUT" 2>&1 </dev/null
STATUS=$?
# isa-debug-exit: QEMU exits with 2 * (status + 1) + 1.
expect_status $((2 * (native + 1) + 1))
cmp -s "$TMP/native" "$OUT" || fail "the program's output differs from a native run's"
