# --disk and --disk-ro, seen by a stand-in for QEMU: each image becomes a
# -drive and a virtio-blk device with serial bfdiskN, and the kernel gets the
# word diskN=GUEST_DIR:rw|ro; a missing image exits 127 and an unusable one
# 126 before QEMU starts; bad values are usage errors (2).
. tests/boot/common.inc
fake_qemu
printf 'not really an ELF\n' >"$TMP/prog"
chmod 755 "$TMP/prog"
truncate -s 1M "$TMP/a.img" "$TMP/b.img" "$TMP/c.img" "$TMP/x,y.img"
mkdir "$TMP/dir.img"

# no_qemu: QEMU was not started (and forget an earlier start).
no_qemu() { [ ! -e "$TMP/args" ] || fail "QEMU was started"; }

run ./bareflow run --disk "$TMP/a.img" --disk-ro "$TMP/b.img:/data/../data/" \
	--disk="$TMP/c.img" --disk-ro "$TMP/x,y.img:/disk1x" "$TMP/prog"
expect_status 0
for i in 0 1 2 3; do
	expect_arg "virtio-blk-pci,drive=disk$i,serial=bfdisk$i"
done
cache=cache=writeback,aio=threads
expect_arg "file=$TMP/a.img,if=none,id=disk0,format=raw,$cache"
expect_arg "file=$TMP/b.img,if=none,id=disk1,format=raw,$cache,readonly=on"
expect_arg "file=$TMP/c.img,if=none,id=disk2,format=raw,$cache"
expect_arg "file=$TMP/x,,y.img,if=none,id=disk3,format=raw,$cache,readonly=on"
grep -x -- "-append" "$TMP/args" >/dev/null || fail "no -append"
grep -q "^run.* disk0=/disk:rw disk1=/data:ro disk2=/disk1:rw disk3=/disk1x:ro$" "$TMP/args" ||
	fail "expected the disk words on the kernel command line"

# An explicit /disk moves the default on.
run ./bareflow run --disk "$TMP/a.img:/disk" --disk "$TMP/b.img" "$TMP/prog"
expect_status 0
grep -q "disk0=/disk:rw disk1=/disk1:rw$" "$TMP/args" || fail "expected /disk then /disk1"

# selftest and jit take disks too; demo does not.
run ./bareflow selftest --disk-ro "$TMP/a.img"
expect_status 0
expect_arg "selftest disk0=/disk:ro"
printf 'int main(void) { return 0; }\n' >"$TMP/prog.c"
run ./bareflow jit --disk-ro "$TMP/a.img:/cache" "$TMP/prog.c"
expect_status 0
expect_arg "virtio-blk-pci,drive=disk0,serial=bfdisk0"
grep -q "^run.* disk0=/cache:ro$" "$TMP/args" || fail "expected jit's disk word"
run ./bareflow demo --disk "$TMP/a.img"
expect_status 2
rm -f "$TMP/args"

# Missing: 127; a directory: 126; nothing started.
run ./bareflow run --disk "$TMP/nope.img" "$TMP/prog"
expect_status 127
expect_output "^bareflow: --disk $TMP/nope.img: No such file or directory"
no_qemu
run ./bareflow run --disk-ro "$TMP/a.img" --disk-ro "$TMP/dir.img:/d" "$TMP/prog"
expect_status 126
expect_output "^bareflow: --disk-ro $TMP/dir.img: Is a directory"
no_qemu
run ./bareflow selftest --disk "$TMP/nope.img"
expect_status 127
no_qemu
# Unreadable and unwritable images (root reads and writes everything, so
# only checked as a user).
if [ "$(id -u)" -ne 0 ]; then
	chmod 444 "$TMP/c.img"
	run ./bareflow run --disk "$TMP/c.img" "$TMP/prog"
	expect_status 126
	expect_output "cannot be written (Permission denied); --disk-ro attaches it read-only"
	no_qemu
	run ./bareflow run --disk-ro "$TMP/c.img" "$TMP/prog"
	expect_status 0
	rm -f "$TMP/args"
	chmod 000 "$TMP/c.img"
	run ./bareflow run --disk-ro "$TMP/c.img" "$TMP/prog"
	expect_status 126
	expect_output "Permission denied"
	no_qemu
fi

# Usage errors: 2, before QEMU.
for bad in "" ":/x" "$TMP/a.img:" "$TMP/a.img:rel" "$TMP/a.img:/" "$TMP/a.img:/a b" \
	"$TMP/a.img:/a\"b" "$TMP/a.img:/x:y"; do
	run ./bareflow run --disk "$bad" "$TMP/prog"
	expect_status 2
	no_qemu
done
run ./bareflow run --disk "$TMP/a.img:/d" --disk-ro "$TMP/b.img:/d/" "$TMP/prog"
expect_status 2
expect_output "two disks at /d"
no_qemu
run ./bareflow run $(for i in 0 1 2 3 4 5 6 7 8; do printf -- '--disk-ro %s ' "$TMP/a.img:/d$i"; done) "$TMP/prog"
expect_status 2
expect_output "more than 8 disks"
run ./bareflow run --iso "$TMP/out.iso" --disk "$TMP/a.img" "$TMP/prog"
expect_status 2
expect_output "not with --iso"
run ./bareflow jit --hosted --disk "$TMP/a.img" "$TMP/prog.c"
expect_status 2
expect_output "needs a boot: not with --hosted"
no_qemu
