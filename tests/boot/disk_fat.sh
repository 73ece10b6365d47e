# FAT disks in the guest against Debian's own tools: `bareflow disk create`
# (mkfs.fat), files mcopy put in read by busybox in the guest, the file
# system calls of tests/abi/disk_file_ops.c compared with Linux, what the
# guest creates, renames and deletes seen exactly by mdir/mcopy with
# fsck.fat -n clean, a read-only disk, a disk that is not FAT (126, nothing
# written), and durability: data fsync'ed before a segfault or before a
# --timeout ends the machine is on the image.
. tests/boot/common.inc
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
BB=/bin/busybox
[ -x "$BB" ] || fail "$BB is missing: run 'make setup' (package busybox-static)"
IMG=$TMP/disk.img

fsck_clean() {
	fsck.fat -n "$1" >"$TMP/fsck" 2>&1 || { cat "$TMP/fsck"; fail "fsck.fat -n $1: $2"; }
}
abi() {
	bin=build/abi/$1
	if [ ! -x "$bin" ] || [ "tests/abi/$1.c" -nt "$bin" ]; then
		mkdir -p build/abi
		clang-19 -static -O1 -o "$bin" "tests/abi/$1.c" || fail "cannot build $1"
	fi
}

# disk create: sizes, an existing file, --force
run ./bareflow disk create "$IMG" 16M
expect_status 2
expect_output "too small for FAT32"
[ ! -e "$IMG" ] || fail "a refused disk create left a file"
run ./bareflow disk create "$IMG" 64M
expect_status 0
run ./bareflow disk create "$IMG" 64M
expect_status 1
expect_output "exists"
run ./bareflow disk create --force "$IMG" 48M
expect_status 0
[ "$(stat -c %s "$IMG")" -eq $((48 * 1048576)) ] || fail "the image is not 48 MiB"
fsck_clean "$IMG" "a new image"

# host -> guest: what mcopy put in, read by busybox
mkdir -p "$TMP/in/sub dir"
seq 1 200000 >"$TMP/in/big.txt"
printf 'ünïcödé ☃\n' >"$TMP/in/Ünïcödé – name.txt"
printf 'deep\n' >"$TMP/in/sub dir/deep file.txt"
mcopy -s -i "$IMG" "$TMP/in/big.txt" "$TMP/in/Ünïcödé – name.txt" "$TMP/in/sub dir" :: ||
	fail "mcopy into the image"
run ./bareflow run --timeout 120 --disk "$IMG" $BB md5sum /disk/big.txt "/disk/Ünïcödé – name.txt" \
	"/disk/sub dir/deep file.txt"
expect_status 0
(cd "$TMP/in" && md5sum big.txt "Ünïcödé – name.txt" "sub dir/deep file.txt") |
	sed 's|  |  /disk/|' >"$TMP/want"
tr -d '\r' <"$OUT" >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" || { diff "$TMP/want" "$TMP/got"; fail "md5sums differ"; }

# The system calls, natively on a host directory and on the disk.
abi disk_file_ops
mkdir "$TMP/native"
FATDIR=$TMP/native build/abi/disk_file_ops >"$TMP/ops.native" || fail "disk_file_ops natively"
run ./bareflow run --timeout 120 --disk "$IMG:/data" --env FATDIR=/data build/abi/disk_file_ops
expect_status 0
tr -d '\r' <"$OUT" >"$TMP/ops.bare"
cmp -s "$TMP/ops.native" "$TMP/ops.bare" || { diff "$TMP/ops.native" "$TMP/ops.bare"; fail "disk_file_ops differs"; }
fsck_clean "$IMG" "after disk_file_ops"

# guest -> host: create, copy a tree, rename across directories, delete
R="./bareflow run --timeout 120 --disk $IMG $BB"
run $R mkdir -p /disk/made/here
expect_status 0
run $R cp -r "/disk/sub dir" /disk/made/here/copied
expect_status 0
run $R mv /disk/big.txt "/disk/made/Big – renamed.txt"
expect_status 0
run $R rm "/disk/Ünïcödé – name.txt"
expect_status 0
run $R rmdir /disk/made
expect_status 1
mdir -b -/ -i "$IMG" :: | LC_ALL=C sort >"$TMP/mdir"
cat >"$TMP/mdir.want" <<'END'
::/made/
::/made/Big – renamed.txt
::/made/here/
::/made/here/copied/
::/made/here/copied/deep file.txt
::/sub dir/
::/sub dir/deep file.txt
END
cmp -s "$TMP/mdir.want" "$TMP/mdir" || { diff "$TMP/mdir.want" "$TMP/mdir"; fail "mdir listing"; }
mcopy -n -i "$IMG" "::/made/Big – renamed.txt" "$TMP/big.back" || fail "mcopy out"
cmp -s "$TMP/in/big.txt" "$TMP/big.back" || fail "the renamed file changed"
[ "$(mtype -i "$IMG" "::/made/here/copied/deep file.txt")" = deep ] || fail "the copied file"
fsck_clean "$IMG" "after the guest's changes"

# FAT files end below 4 GiB: a write at 4 GiB - 1 is EFBIG
run $R dd if=/dev/zero of=/disk/huge bs=1 count=1 seek=4294967295 conv=notrunc
expect_status 1
expect_output "File too large"

# read-only: refused with EROFS, nothing written
cp "$IMG" "$TMP/before.img"
run ./bareflow run --timeout 120 --disk-ro "$IMG" $BB touch /disk/new
expect_status 1
expect_output "Read-only file system"
cmp -s "$IMG" "$TMP/before.img" || fail "a read-only disk changed"

# not FAT: refused before the program, with a message, nothing written
head -c 4M /dev/zero >"$TMP/zero.img"
run ./bareflow run --timeout 120 --disk "$TMP/zero.img" $BB echo ran
expect_status 126
expect_output "disk0: not a FAT filesystem"
expect_no_output "^ran"
[ "$(tr -d '\0' <"$TMP/zero.img" | wc -c)" -eq 0 ] || fail "a refused disk was written"

# durability: fsync'ed data survives a segfault and a --timeout
abi disk_fsync_crash
awk 'BEGIN { for (i = 0; i < 409600; i++) printf "%c", 97 + i % 4096 % 26 }' >"$TMP/synced.want"
for how in segv spin; do
	./bareflow disk create --force "$IMG" 40M >/dev/null || fail "disk create"
	if [ $how = segv ]; then
		run ./bareflow run --timeout 120 --disk "$IMG" --env FATDIR=/disk --env DURABILITY=segv \
			build/abi/disk_fsync_crash
		expect_status 139
	else
		run ./bareflow run --timeout 10 --disk "$IMG" --env FATDIR=/disk --env DURABILITY=spin \
			build/abi/disk_fsync_crash
		expect_status 124
	fi
	expect_output synced
	mcopy -n -i "$IMG" ::/synced.txt "$TMP/synced.got" || fail "$how: synced.txt is not on the disk"
	cmp -s "$TMP/synced.want" "$TMP/synced.got" || fail "$how: synced.txt differs"
	fsck_clean "$IMG" "after $how"
done
echo "ok"
