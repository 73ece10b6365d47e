# virtio-blk against raw images the host made: the guest's in-kernel test
# (virtio_blk_disks, with the word disktest) sums ranges of sectors, which
# cksum(1) of the same ranges must match; copies 300 sectors past 4 GiB and to
# the very end of a sparse 5 GiB image, which cmp(1) checks afterwards; and
# finds a --disk-ro image refusing writes. Under -M pc with MSI-X, under
# -M q35 (ECAM), with INTx, after a --timeout ended QEMU, and with a
# legacy-only device, which is refused.
. tests/boot/common.inc

head -c 64M /dev/urandom >"$TMP/a.img"
truncate -s 5G "$TMP/b.img"
head -c 1M /dev/urandom >"$TMP/ro.img"
cp "$TMP/ro.img" "$TMP/ro.orig"

# A QEMU that runs the real one with -M $MACHINE and $DEVICE_EXTRA appended
# to each virtio-blk device.
cat >"$TMP/qemu" <<'END'
#!/bin/sh
for a; do
	shift
	case $a in
	pc,memory-backend=ram0) a=${MACHINE:-pc},memory-backend=ram0 ;;
	virtio-blk-pci,*) a=$a$DEVICE_EXTRA ;;
	esac
	set -- "$@" "$a"
done
exec qemu-system-x86_64 "$@"
END
chmod +x "$TMP/qemu"

# disks [OPTIONS]: the in-kernel disk test with the three images attached.
disks() {
	BAREFLOW_QEMU=$TMP/qemu run ./bareflow selftest --timeout 300 --disk "$TMP/a.img" \
		--disk "$TMP/b.img:/data" --disk-ro "$TMP/ro.img" --cmdline selftest=virtio_blk_disks "$@"
}

# check_sums: every "disktest: vdX LBA COUNT CKSUM BYTES" line against cksum.
check_sums() {
	grep '^disktest: vd[ac] ' "$OUT" | tr -d '\r' >"$TMP/sums"
	[ "$(wc -l <"$TMP/sums")" -eq 6 ] || fail "expected 6 sums from the guest"
	while read -r _ name lba count sum bytes; do
		case $name in vda) img=$TMP/a.img ;; *) img=$TMP/ro.img ;; esac
		host=$(dd if="$img" bs=512 skip="$lba" count="$count" 2>/dev/null | cksum)
		[ "$host" = "$sum $bytes" ] || fail "$name $lba+$count: guest $sum $bytes, host $host"
	done <"$TMP/sums"
}

# check_copies: vda's first 300 sectors past 4 GiB and at the end of b.img.
check_copies() {
	dd if="$TMP/a.img" bs=512 count=300 of="$TMP/first" 2>/dev/null
	for lba in 8388611 10485460; do
		dd if="$TMP/b.img" bs=512 skip=$lba count=300 of="$TMP/copy" 2>/dev/null
		cmp -s "$TMP/first" "$TMP/copy" || fail "b.img at sector $lba is not what the guest wrote"
	done
	[ "$(stat -c %s "$TMP/b.img")" -eq $((5 << 30)) ] || fail "b.img changed size"
	cmp -s "$TMP/ro.img" "$TMP/ro.orig" || fail "the read-only image changed"
}

for machine in pc q35; do
	truncate -s 0 "$TMP/b.img"
	truncate -s 5G "$TMP/b.img"
	MACHINE=$machine disks --cmdline disktest
	expect_status 0
	expect_output "^1 passed, 0 failed"
	expect_output "virtio-blk: vdb at .*: 10485760 sectors (5120 MiB), serial \"bfdisk1\""
	expect_output "virtio-blk: vdc at .*serial \"bfdisk2\", read-only.*MSI-X"
	expect_output "disktest: sizes 131072 10485760 2048"
	case $machine in
	pc) expect_output "disktest: PCI configuration through ports" ;;
	q35) expect_output "disktest: PCI configuration through ECAM" ;;
	esac
	check_sums
	check_copies
done

# INTx through the I/O APIC instead of MSI-X.
truncate -s 0 "$TMP/b.img"
truncate -s 5G "$TMP/b.img"
disks --cmdline disktest --cmdline virtio=intx
expect_status 0
expect_output "^1 passed, 0 failed"
expect_output "virtio-blk: vda at .*, INTx"
check_sums
check_copies

# Ended by --timeout after its flush: the data is in the image all the same.
truncate -s 0 "$TMP/b.img"
truncate -s 5G "$TMP/b.img"
BAREFLOW_QEMU=$TMP/qemu run ./bareflow selftest --timeout 10 --disk "$TMP/a.img" \
	--disk "$TMP/b.img" --disk-ro "$TMP/ro.img" --cmdline selftest=virtio_blk_disks \
	--cmdline disktest=hang
expect_status 124
expect_output "disktest: flushed; waiting for the timeout"
check_copies

# A legacy-only device is refused with a clear line; the kernel goes on.
DEVICE_EXTRA=,disable-modern=on,disable-legacy=off disks
expect_status 0
expect_output "is a legacy-only device without the virtio 1.x PCI capabilities; not used"
expect_no_output "virtio-blk: vda"

# A program run with a disk gets nothing of the kernel's on its stdout: the
# driver's line goes to the kernel log (shown with --verbose, on stderr).
./bareflow run --verbose --disk-ro "$TMP/ro.img" /bin/busybox echo hi >"$TMP/stdout" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
[ "$(cat "$TMP/stdout")" = hi ] || fail "stdout was '$(cat "$TMP/stdout")', not 'hi'"
expect_output "virtio-blk: vda at .*serial \"bfdisk0\", read-only"
