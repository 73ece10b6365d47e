#!/bin/sh
# BareFlow against a Linux VM: wall time from start to exit of
#   - `./bareflow run build/bench/hello` (a static hello-world, bench/hello.c),
#   - the same run by the CLI alone (build/bareflow-cli, without the wrapper's
#     `make` up-to-date check),
#   - Debian's own Linux kernel booted in the same QEMU, with the same program
#     as /init of an initramfs (linked with bench/poweroff.c, which powers the
#     machine off when it exits),
#   - QEMU's floor: the firmware booting a 512-byte boot sector that only
#     writes to isa-debug-exit.
# One warm-up run of each, then the four alternate, RUNS times each.
# usage: bench/linux_vm.sh [RUNS]   (default 5 per boot)
. "$(dirname "$0")/common.inc"
runs=${1:-5}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/linux_vm.sh [RUNS]" >&2; exit 2 ;; esac
find_linux_kernel || exit 1
make -s all >&2 || exit 1
mkdir -p build/bench
clang-19 -static -O2 -o build/bench/hello bench/hello.c || exit 1
build_linux_init hello bench/hello.c || exit 1
hello="Hello from the benchmark"

# The floor's boot sector: mov $1, %al; out %al, $0xf4 (QEMU exits with
# 2 * 1 + 1 = 3); then hlt in a loop; zeros; the 0x55 0xaa signature.
{
	printf '\260\001\346\364\364\353\375'
	head -c 503 /dev/zero
	printf '\125\252'
} >build/bench/floor.img || exit 1

dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT

# time_once MODE: append one run's wall time in ms to $dir/ms.MODE.
time_once() {
	start=$(now_ms)
	case $1 in
	floor)
		qemu-system-x86_64 $qemu_flags -drive file=build/bench/floor.img,format=raw,if=ide \
			>"$dir/out" 2>&1 </dev/null ;;
	bareflow) ./bareflow run build/bench/hello >"$dir/out" 2>&1 </dev/null ;;
	cli) build/bareflow-cli run build/bench/hello >"$dir/out" 2>&1 </dev/null ;;
	linux)
		timeout 300 qemu-system-x86_64 $qemu_flags -kernel "$linux_kernel" \
			-initrd build/bench/hello.cpio -append "$linux_cmdline" >"$dir/out" 2>&1 </dev/null ;;
	esac
	status=$?
	end=$(now_ms)
	# QEMU exits with 0 after the Linux guest's power-off, but also after a
	# panic (panic=-1 and -no-reboot): the kernel's "Power down" tells them apart.
	case $1 in
	floor) ok=$([ $status -eq 3 ] && echo y) ;;
	linux) ok=$([ $status -eq 0 ] && grep -q "$hello" "$dir/out" &&
		grep -q "reboot: Power down" "$dir/out" && echo y) ;;
	*) ok=$([ $status -eq 0 ] && grep -q "$hello" "$dir/out" && echo y) ;;
	esac
	if [ "$ok" != y ]; then
		echo "bench: the $1 run failed (exit status $status):" >&2
		cat "$dir/out" >&2
		exit 1
	fi
	echo $((end - start)) >>"$dir/ms.$1"
}

modes="floor bareflow cli linux"
for m in $modes; do time_once $m; done
for m in $modes; do rm -f "$dir/ms.$m"; done
i=0
while [ $i -lt "$runs" ]; do
	for m in $modes; do time_once $m; done
	i=$((i + 1))
done

stats "$dir/ms.linux"
linux_med=$med
# row MODE LABEL: min, median and max, and the median's ratio to the Linux VM's.
row() {
	stats "$dir/ms.$1"
	printf '%-36s %7s %7s %7s %8sx\n' "$2" "$(secs "$min")" "$(secs "$med")" \
		"$(secs "$max")" "$(ratio "$med" "$linux_med")"
}

echo "Hello world, process start to exit, $runs runs each, interleaved (seconds, QEMU TCG):"
printf '%-36s %7s %7s %7s %9s\n' "" min median max "/ Linux"
row bareflow "./bareflow run build/bench/hello"
row cli "  the CLI alone (build/bareflow-cli)"
row linux "Linux VM ($(basename "$linux_kernel"))"
row floor "QEMU floor (boot sector, exits)"
stats "$dir/ms.bareflow"
if [ $((med * 10)) -le "$linux_med" ]; then verdict=met; else verdict=MISSED; fi
echo "Goal: ./bareflow run <= 0.10x the Linux VM (median): $(ratio "$med" "$linux_med")x, $verdict"
echo "Linux: qemu-system-x86_64 <flags> -kernel $linux_kernel -initrd build/bench/hello.cpio -append \"$linux_cmdline\""
