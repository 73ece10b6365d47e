#!/bin/sh
# Raw sequential disk throughput through the virtio-blk driver: the in-kernel
# test virtio_blk_bench writes a whole raw image in 1 MiB calls (requests of
# the driver's max_count), flushes, then reads it back, and prints MiB/s;
# the image is attached as `--disk` attaches it. A figure for later work
# (the filesystem's dd against a Linux VM is the goal the storage issue sets).
# usage: bench/disk.sh [MIB]   (default 256)
. "$(dirname "$0")/common.inc"
mib=${1:-256}
case $mib in '' | *[!0-9]* | 0) echo "usage: bench/disk.sh [MIB]" >&2; exit 2 ;; esac
make -s all || exit 1
mkdir -p build/bench
img=build/bench/disk.img
rm -f "$img"
truncate -s "${mib}M" "$img" || exit 1
out=$(./bareflow selftest --timeout 900 --disk "$img" --cmdline selftest=virtio_blk_bench \
	--cmdline disktest=bench 2>&1)
status=$?
rm -f "$img"
figures=$(printf '%s\n' "$out" | tr -d '\r' | grep '^diskbench: ')
if [ "$status" -ne 0 ] || [ "$(printf '%s\n' "$figures" | wc -l)" -ne 2 ]; then
	printf '%s\n' "$out" >&2
	echo "bench: the disk run failed (output above)" >&2
	exit 1
fi
echo "Sequential raw disk I/O through virtio-blk, $mib MiB image, 1 MiB calls (QEMU TCG):"
printf '%s\n' "$figures" | sed 's/^diskbench: /  /'
