# The QEMU command line the CLI builds, seen by a stand-in for QEMU.
. tests/boot/common.inc
fake_qemu
root=$(pwd)

run ./bareflow demo
expect_status 0
for a in -no-reboot -display none -serial stdio isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-m 512M -kernel "$root/build/bareflow.elf"; do
	expect_arg "$a"
done
! grep -qx -- -append "$TMP/args" || fail "no -append expected without a command line"

run ./bareflow demo --mem 64G --cmdline "crash=pf  x=1" --cmdline y
expect_status 0
expect_arg 65536M
expect_arg "crash=pf  x=1 y"

run ./bareflow demo --mem=65536K
expect_arg 64M

run ./bareflow selftest --cmdline selftest=heap
expect_status 0
expect_arg 2048M
expect_arg "selftest selftest=heap"

run ./bareflow demo --iso
expect_status 0
expect_arg "$root/build/bareflow.iso"

# With --cmdline, --iso boots a temporary ISO that is gone afterwards.
mkdir "$TMP/t"
TMPDIR=$TMP/t FAKE_CHECK='iso=$(grep "\.iso$" "$FAKE_DIR/args"); [ -s "$iso" ] || exit 99' \
	run ./bareflow demo --iso --cmdline demo=banner
expect_status 0
grep -q "^$TMP/t/.*\.iso$" "$TMP/args" || fail "expected a temporary ISO under \$TMPDIR"
[ -z "$(ls -A "$TMP/t")" ] || fail "temporary files left behind: $(ls -A "$TMP/t")"
