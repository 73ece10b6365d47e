# Debian's busybox working on a FAT disk in the guest, compared with Linux:
# cp -r, tar (both ways), gzip (both ways) and sort write files on the disk
# that must hold what the same applets make natively, read back with mcopy.
. tests/boot/common.inc
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
BB=/bin/busybox
[ -x "$BB" ] || fail "$BB is missing: run 'make setup' (package busybox-static)"
IMG=$TMP/disk.img
./bareflow disk create "$IMG" 64M >/dev/null || fail "disk create"

# A tree: text, nested directories, long names, an empty file, 600 KB.
mkdir -p "$TMP/src/a/b/c" "$TMP/src/long directory name"
seq 1 100000 | sed 's/$/ some text/' >"$TMP/src/a/numbers.txt"
awk 'BEGIN { x = 7; for (i = 0; i < 5000; i++) { x = (x * 1103515245 + 12345) % 2147483648;
	print x % 1000, "line", i } }' >"$TMP/src/unsorted.txt"
printf 'tiny\n' >"$TMP/src/a/b/c/tiny file.txt"
: >"$TMP/src/long directory name/empty"
mcopy -s -i "$IMG" "$TMP/src" :: || fail "mcopy the tree"
(cd "$TMP" && tar -cf host.tar src) || fail "host tar"
gzip -c "$TMP/src/a/numbers.txt" >"$TMP/numbers.gz"
mcopy -i "$IMG" "$TMP/host.tar" "$TMP/numbers.gz" :: || fail "mcopy the archives"

bb() {
	run ./bareflow run --timeout 120 --disk "$IMG" $BB "$@"
	[ "$STATUS" -eq 0 ] || fail "busybox $*"
}
bb cp -r /disk/src /disk/copy
bb tar -cf /disk/guest.tar -C /disk src
bb mkdir /disk/untar
bb tar -xf /disk/host.tar -C /disk/untar
bb gzip -k /disk/src/a/numbers.txt
bb gzip -d /disk/numbers.gz
bb sort -o /disk/sorted.txt /disk/src/unsorted.txt
fsck.fat -n "$IMG" >"$TMP/fsck" 2>&1 || { cat "$TMP/fsck"; fail "fsck.fat -n after busybox"; }

mkdir "$TMP/out"
mcopy -s -n -i "$IMG" ::/copy ::/untar ::/guest.tar ::/sorted.txt ::/numbers ::/src "$TMP/out/" ||
	fail "mcopy out"
diff -r "$TMP/src" "$TMP/out/copy" || fail "cp -r made a different tree"
diff -r "$TMP/src" "$TMP/out/untar/src" || fail "tar -x in the guest made a different tree"
mkdir "$TMP/guest-untar" && tar -xf "$TMP/out/guest.tar" -C "$TMP/guest-untar" || fail "host tar -x"
diff -r "$TMP/src" "$TMP/guest-untar/src" || fail "the guest's tar holds a different tree"
cmp -s "$TMP/src/a/numbers.txt" "$TMP/out/numbers" || fail "gzip -d in the guest"
gzip -dc "$TMP/out/src/a/numbers.txt.gz" | cmp -s - "$TMP/src/a/numbers.txt" || fail "gzip in the guest"
$BB sort "$TMP/src/unsorted.txt" | cmp -s - "$TMP/out/sorted.txt" || fail "sort differs from Linux"
echo ok
