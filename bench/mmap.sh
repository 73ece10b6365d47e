#!/bin/sh
# mmap and munmap as mappings accumulate: TSC cycles per call (bench/mmap.c)
# under `bareflow run` and as /init of the Linux VM of bench/linux_vm.sh in
# the same QEMU, and their ratio per figure; the goal is at most 2x Linux.
# usage: bench/mmap.sh [PAIRS [LIVE]]   (default 100000 pairs, 10000 live)
. "$(dirname "$0")/common.inc"
pairs=${1:-100000}
live=${2:-10000}
for n in "$pairs" "$live"; do
	case $n in '' | *[!0-9]* | 0) echo "usage: bench/mmap.sh [PAIRS [LIVE]]" >&2; exit 2 ;; esac
done
make -s all || exit 1
mkdir -p build/bench
clang-19 -static -O2 -o build/bench/mmap bench/mmap.c || exit 1
bare=$(./bareflow run --timeout 600 build/bench/mmap "$pairs" "$live") || {
	echo "bench: the bare-metal run failed" >&2
	exit 1
}
find_linux_kernel && build_linux_init mmap bench/mmap.c || exit 1
out=$(timeout 900 qemu-system-x86_64 $qemu_flags -kernel "$linux_kernel" \
	-initrd build/bench/mmap.cpio -append "$linux_cmdline -- $pairs $live" </dev/null 2>&1)
vm=$(printf '%s\n' "$out" | tr -d '\r' | grep -E '^[a-z_]+ [0-9]+$')
if [ -z "$vm" ] || ! printf '%s\n' "$out" | grep -q "reboot: Power down"; then
	printf '%s\n' "$out" >&2
	echo "bench: the Linux VM run failed (output above)" >&2
	exit 1
fi

echo "mmap/munmap, TSC cycles per call ($pairs pairs, $live live mappings, QEMU TCG):"
printf '  %-18s %10s %10s %9s\n' "" BareFlow "Linux VM" "/ Linux"
worst=0
for name in pairs_empty mmap_building pairs_with_live first_touch munmap_live; do
	b=$(printf '%s\n' "$bare" | sed -n "s/^$name //p")
	l=$(printf '%s\n' "$vm" | sed -n "s/^$name //p")
	[ -n "$b" ] && [ -n "$l" ] || { echo "bench: no figure for $name" >&2; exit 1; }
	[ "$l" -gt 0 ] || l=1
	r=$(ratio "$b" "$l")
	printf '  %-18s %10s %10s %8sx\n' "$name" "$b" "$l" "$r"
	scaled=$((($b * 1000 + $l / 2) / $l))
	[ "$scaled" -gt "$worst" ] && worst=$scaled
done
if [ "$worst" -le 2000 ]; then verdict=met; else verdict="not met"; fi
echo "Goal: every figure at most 2x the Linux VM's per call: worst $(secs "$worst")x, $verdict"
