#!/bin/sh
# Boot-time benchmark: wall time from QEMU's start to its exit for a boot that
# only prints the banner (kernel command line demo=banner), by QEMU's direct
# boot (-kernel, PVH) and through a GRUB ISO (-cdrom, Multiboot2). QEMU runs
# with the CLI's flags but without the CLI or make around it. The two modes
# alternate, after one warm-up run of each.
# usage: bench/boot.sh [RUNS]   (default 11 per mode)
. "$(dirname "$0")/common.inc"
runs=${1:-11}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/boot.sh [RUNS]" >&2; exit 2 ;; esac
make -s all >&2 || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT

# A banner-only ISO like build/bareflow.iso, built once, outside the timing.
mkdir -p "$dir/iso/boot/grub"
llvm-objcopy-19 --strip-debug build/bareflow.elf "$dir/iso/boot/bareflow.elf" || exit 1
printf 'set timeout=0\nset default=0\nmenuentry "BareFlow" {\n\tmultiboot2 /boot/bareflow.elf demo=banner\n\tboot\n}\n' \
	>"$dir/iso/boot/grub/grub.cfg"
if ! grub-mkrescue -o "$dir/banner.iso" "$dir/iso" >"$dir/log" 2>&1; then
	cat "$dir/log" >&2
	echo "bench: grub-mkrescue failed" >&2
	exit 1
fi

# time_once MODE: append one boot's wall time in ms to $dir/ms.MODE.
time_once() {
	start=$(now_ms)
	if [ "$1" = direct ]; then
		qemu-system-x86_64 $qemu_flags -kernel build/bareflow.elf -append demo=banner \
			>"$dir/out" 2>&1 </dev/null
	else
		qemu-system-x86_64 $qemu_flags -cdrom "$dir/banner.iso" >"$dir/out" 2>&1 </dev/null
	fi
	status=$?
	end=$(now_ms)
	# Guest status 0 is QEMU exit 3 (isa-debug-exit: 2 * (0 + 1) + 1).
	if [ $status -ne 3 ] || ! grep -q BareFlow "$dir/out"; then
		echo "bench: the $1 boot failed (qemu exit $status):" >&2
		cat "$dir/out" >&2
		exit 1
	fi
	echo $((end - start)) >>"$dir/ms.$1"
}

time_once direct
time_once iso
rm -f "$dir/ms.direct" "$dir/ms.iso"
i=0
while [ $i -lt "$runs" ]; do
	time_once direct
	time_once iso
	i=$((i + 1))
done

# row MODE LABEL GOAL_MS: min, median and max of the runs, and the goal.
row() {
	stats "$dir/ms.$1"
	if [ "$med" -le "$3" ]; then verdict=met; else verdict=MISSED; fi
	printf '%-24s %8s %8s %8s   <= %s s (median): %s\n' "$2" "$(secs "$min")" \
		"$(secs "$med")" "$(secs "$max")" "$(secs "$3")" "$verdict"
}

echo "Banner-only boot, QEMU start to power-off, $runs runs per mode (seconds):"
printf '%-24s %8s %8s %8s   %s\n' mode min median max goal
row direct "direct boot (-kernel)" 300
row iso "GRUB ISO (-cdrom)" 700
