#!/bin/sh
# System-call round trip: TSC cycles per getppid (best of five rounds of a
# loop), bare-metal under `bareflow run` (QEMU software emulation) and as an
# ordinary process on this host's Linux kernel, for context.
# usage: bench/syscall.sh [CALLS]   (default 200000 per round)
cd "$(dirname "$0")/.." || exit 2
calls=${1:-200000}
make -s all || exit 1
mkdir -p build/bench
clang-19 -static -O2 -o build/bench/getppid bench/getppid.c || exit 1
bare=$(./bareflow run --timeout 300 build/bench/getppid "$calls") || { echo "bare-metal run failed"; exit 1; }
host=$(build/bench/getppid "$calls")
echo "getppid round trip, TSC cycles per call (best of 5 x $calls):"
printf '  %-40s %8s\n' "BareFlow, bare-metal in QEMU (TCG)" "$bare"
printf '  %-40s %8s\n' "host Linux, native process" "$host"
