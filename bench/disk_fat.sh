#!/bin/sh
# Sequential file I/O on a FAT disk, BareFlow against a Linux VM: busybox dd
# writes MIB MiB to a file on a fresh FAT32 image (`bareflow disk create`)
# in 1 MiB blocks, then a second boot reads it back, under `bareflow run
# --disk`, and as /init's child in Debian's own kernel booted in the same
# QEMU with the same image as a virtio-blk disk (bench/disk_vm.c loads the
# virtio and vfat modules, mounts the disk, runs dd, syncs and unmounts).
# Wall times of the whole runs, boot included, and the ratios; then the same
# less a run that copies nothing (boot, mount, exit), which leaves the copy
# (and, in the VM, loading the modules is in both).
# usage: bench/disk_fat.sh [MIB]   (default 256)
. "$(dirname "$0")/common.inc"
mib=${1:-256}
case $mib in '' | *[!0-9]* | 0) echo "usage: bench/disk_fat.sh [MIB]" >&2; exit 2 ;; esac
make -s all || exit 1
mkdir -p build/bench
img=build/bench/fat.img

# Each run's wall time in ms (Debian's busybox dd prints no timing of its own).
run_ms() { # BareFlow: busybox ARGS with the disk at /disk
	name=$1
	shift
	start=$(now_ms)
	./bareflow run --mem 1G --timeout 900 --disk "$img" /bin/busybox "$@" \
		>/dev/null 2>&1 </dev/null ||
		{ echo "bench: busybox $* failed" >&2; exit 1; }
	echo $(($(now_ms) - start))
}
./bareflow disk create --force "$img" "$((mib * 2 + 64))M" >/dev/null || exit 1
w=$(run_ms bw dd if=/dev/zero of=/disk/f bs=1M count="$mib") || exit 1
r=$(run_ms br dd if=/disk/f of=/dev/null bs=1M) || exit 1
b=$(run_ms bb dd if=/dev/zero of=/disk/g bs=1M count=0) || exit 1

lw= lr=
if find_linux_kernel; then
	kver=${linux_kernel#/boot/vmlinuz-}
	mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk
		fat vfat nls_cp437 nls_ascii"
	files=
	for m in $mods; do
		f=$(find "/lib/modules/$kver/kernel" -name "$m.ko" | head -n 1)
		[ -n "$f" ] || { echo "bench: no module $m for $kver" >&2; exit 1; }
		files="$files $m.ko=$f"
	done
	clang-19 -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
		-o build/bench/mkinitramfs bench/mkinitramfs.c &&
		clang-19 -static -O2 -o build/bench/disk_vm-init bench/disk_vm.c bench/poweroff.c &&
		build/bench/mkinitramfs build/bench/disk_vm.cpio build/bench/disk_vm-init \
			busybox=/bin/busybox $files || exit 1
	vm_ms() { # the Linux VM: busybox ARGS with the disk at /disk
		name=$1
		shift
		start=$(now_ms)
		out=$(timeout 900 qemu-system-x86_64 $qemu_flags -kernel "$linux_kernel" \
			-initrd build/bench/disk_vm.cpio \
			-drive "file=$img,if=none,id=d0,format=raw,cache=writeback,aio=threads" \
			-device virtio-blk-pci,drive=d0 \
			-append "$linux_cmdline -- $(echo $mods) + $*" </dev/null 2>&1)
		end=$(now_ms)
		printf '%s\n' "$out" | grep -q dd-ok || { printf '%s\n' "$out" >&2; exit 1; }
		echo $((end - start))
	}
	./bareflow disk create --force "$img" "$((mib * 2 + 64))M" >/dev/null || exit 1
	lw=$(vm_ms lw dd if:/dev/zero of:/disk/f bs:1M count:"$mib") || exit 1
	lr=$(vm_ms lr dd if:/disk/f of:/dev/null bs:1M) || exit 1
	lb=$(vm_ms lb dd if:/dev/zero of:/disk/g bs:1M count:0) || exit 1
fi
rm -f "$img"
echo "busybox dd of $mib MiB on a FAT32 disk (QEMU TCG, whole runs with boot):"
printf '  %-6s %10s %10s %8s\n' "" BareFlow "Linux VM" ratio
row() {
	if [ -n "$3" ]; then
		printf '  %-6s %7s ms %7s ms %7sx\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"
	else
		printf '  %-6s %7s ms\n' "$1" "$2"
	fi
}
row write "$w" "$lw"
row read "$r" "$lr"
row "empty" "$b" "$lb"
echo "less the empty run (the copy, the sync and the unmount):"
row write "$((w - b))" "${lw:+$((lw - lb))}"
row read "$((r - b))" "${lr:+$((lr - lb))}"
