#!/bin/sh
# System-call round trip: TSC cycles per getppid (best of five rounds of a
# loop), bare-metal under `bareflow run` (QEMU software emulation), as /init of
# Debian's own Linux kernel in the same QEMU, and as an ordinary process on
# this host's Linux kernel, for context. Ratios are to the Linux VM.
# usage: bench/syscall.sh [CALLS]   (default 200000 per round)
. "$(dirname "$0")/common.inc"
calls=${1:-200000}
case $calls in '' | *[!0-9]* | 0) echo "usage: bench/syscall.sh [CALLS]" >&2; exit 2 ;; esac
make -s all || exit 1
mkdir -p build/bench
clang-19 -static -O2 -o build/bench/getppid bench/getppid.c || exit 1
bare=$(./bareflow run --timeout 300 build/bench/getppid "$calls") || { echo "bare-metal run failed"; exit 1; }
host=$(build/bench/getppid "$calls")

# The Linux VM: the kernel passes the words after "--" to /init as arguments.
vm=
if find_linux_kernel && build_linux_init getppid bench/getppid.c; then
	out=$(timeout 600 qemu-system-x86_64 $qemu_flags -kernel "$linux_kernel" \
		-initrd build/bench/getppid.cpio -append "$linux_cmdline -- $calls" </dev/null 2>&1)
	vm=$(printf '%s\n' "$out" | tr -d '\r' | grep -E '^[0-9]+$' | tail -n 1)
	if [ -z "$vm" ] || ! printf '%s\n' "$out" | grep -q "reboot: Power down"; then
		printf '%s\n' "$out" >&2
		echo "bench: the Linux VM run failed (output above)" >&2
		vm=
	fi
fi

echo "getppid round trip, TSC cycles per call (best of 5 x $calls):"
printf '  %-40s %8s   %s\n' "" cycles "/ Linux VM"
# row LABEL CYCLES: one line, with the ratio to the Linux VM when it ran.
row() {
	if [ -n "$vm" ]; then
		printf '  %-40s %8s   %9s\n' "$1" "$2" "$(ratio "$2" "$vm")x"
	else
		printf '  %-40s %8s\n' "$1" "$2"
	fi
}
row "BareFlow, bare-metal in QEMU (TCG)" "$bare"
if [ -n "$vm" ]; then
	row "Linux VM, /init in the same QEMU (TCG)" "$vm"
else
	printf '  %-40s %8s\n' "Linux VM, /init in the same QEMU (TCG)" "-"
fi
row "host Linux, native process" "$host"
[ -n "$vm" ] || exit 1
