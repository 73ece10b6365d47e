#!/bin/sh
# Sequential file I/O on a FAT disk: busybox dd writes MIB MiB to a file on a
# fresh `bareflow disk create` image in 1 MiB blocks (the run's end writes it
# back and flushes), then a second run reads it back; wall times of the whole
# runs (boot included) and the MiB/s they imply. The goal the storage issue
# sets is the same dd in a Linux VM on the same image; that comparison is not
# scripted yet (Debian's kernel has vfat and virtio-blk as modules).
# usage: bench/disk_fat.sh [MIB]   (default 256)
. "$(dirname "$0")/common.inc"
mib=${1:-256}
case $mib in '' | *[!0-9]* | 0) echo "usage: bench/disk_fat.sh [MIB]" >&2; exit 2 ;; esac
make -s all || exit 1
mkdir -p build/bench
img=build/bench/fat.img
./bareflow disk create --force "$img" "$((mib * 2 + 64))M" >/dev/null || exit 1
run_ms() {
	start=$(now_ms)
	./bareflow run --mem 1G --timeout 900 --disk "$img" /bin/busybox "$@" >/dev/null 2>&1 </dev/null ||
		{ echo "bench: busybox $* failed" >&2; exit 1; }
	echo $(($(now_ms) - start))
}
w=$(run_ms dd if=/dev/zero of=/disk/f bs=1M count="$mib") || exit 1
r=$(run_ms dd if=/disk/f of=/dev/null bs=1M) || exit 1
rm -f "$img"
echo "busybox dd of $mib MiB on a FAT32 disk (QEMU TCG, whole runs with boot):"
echo "  write: $w ms ($((mib * 1000 / w)) MiB/s)"
echo "  read:  $r ms ($((mib * 1000 / r)) MiB/s)"
