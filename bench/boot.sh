#!/bin/sh
# Boot-time benchmark: wall time from QEMU's start to its exit for a boot that
# only prints the banner, by QEMU's direct boot (PVH) and through the GRUB ISO.
# Runs alternate between the two modes; prints min/median/max in seconds.
# usage: bench/boot.sh [RUNS]   (default 11, after one warm-up of each)
cd "$(dirname "$0")/.." || exit 2
runs=${1:-11}
make -s all || exit 1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# A banner-only ISO, built once outside the timing.
mkdir -p "$dir/iso/boot/grub"
llvm-objcopy-19 --strip-debug build/bareflow.elf "$dir/iso/boot/bareflow.elf"
printf 'set timeout=0\nset default=0\nmenuentry "BareFlow" {\n\tmultiboot2 /boot/bareflow.elf demo=banner\n\tboot\n}\n' \
	>"$dir/iso/boot/grub/grub.cfg"
grub-mkrescue -o "$dir/banner.iso" "$dir/iso" 2>/dev/null || { echo "grub-mkrescue failed"; exit 1; }

QEMU="qemu-system-x86_64 -M pc -cpu max -smp 1 -m 512M -display none -no-reboot -monitor none -nic none
	-serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04"

# time_once MODE: print the wall time of one boot in seconds.
time_once() {
	start=$(date +%s%N)
	if [ "$1" = direct ]; then
		$QEMU -kernel build/bareflow.elf -append demo=banner >"$dir/out" 2>&1
	else
		$QEMU -cdrom "$dir/banner.iso" >"$dir/out" 2>&1
	fi
	status=$?
	end=$(date +%s%N)
	if [ $status -ne 3 ] || ! grep -q BareFlow "$dir/out"; then
		echo "boot failed ($1, qemu exit $status)" >&2
		cat "$dir/out" >&2
		exit 1
	fi
	echo "$(( (end - start) / 1000000 ))"
}

time_once direct >/dev/null
time_once iso >/dev/null
: >"$dir/direct"
: >"$dir/iso.t"
i=0
while [ $i -lt "$runs" ]; do
	time_once direct >>"$dir/direct"
	time_once iso >>"$dir/iso.t"
	i=$((i + 1))
done

# stats FILE GOAL_MS LABEL
stats() {
	sort -n "$1" >"$1.s"
	n=$(wc -l <"$1.s")
	min=$(head -n 1 "$1.s")
	max=$(tail -n 1 "$1.s")
	med=$(sed -n "$(( (n + 1) / 2 ))p" "$1.s")
	verdict=$([ "$med" -le "$2" ] && echo "met" || echo "MISSED")
	printf '%-22s %6d.%03d %6d.%03d %6d.%03d   <= %d.%03d s  %s\n' "$3" \
		$((min / 1000)) $((min % 1000)) $((med / 1000)) $((med % 1000)) \
		$((max / 1000)) $((max % 1000)) $(($2 / 1000)) $(($2 % 1000)) "$verdict"
}
echo "QEMU start to power-off, banner-only boot, $runs runs each (seconds):"
printf '%-22s %10s %10s %10s   %s\n' mode min median max goal
stats "$dir/direct" 300 "direct boot (PVH)"
stats "$dir/iso.t" 700 "GRUB ISO (Multiboot2)"
