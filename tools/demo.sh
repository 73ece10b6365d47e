#!/bin/sh
# make run's demo: grow to shrink, bare-metal under QEMU.
#   1. a cold run of examples/demo.c under the JIT: it profiles, recompiles
#      hot code, specializes it, and stores what it made in the code cache
#      (a FAT disk image, build/demo/cache.img, emptied first);
#   2. the same run again: it starts from the cache, optimized;
#   3. the appliance: `bareflow export` trains the program, writes it out as
#      a static executable without LLVM, and `bareflow run` boots it.
# Each step's wall time is shown; the output of every run must match.
cd "$(dirname "$0")/.." || exit 2
mkdir -p build/demo || exit 1
now() { date +%s%N; }
took() { t=$((($(now) - $1) / 1000000)); printf '%d.%03d s' $((t / 1000)) $((t % 1000)); }

echo "== 1. cold: the JIT learns the program (tier-ups, the profile, the cache stored)"
t0=$(now)
./bareflow jit --log-tiers --report --cache build/demo/cache.img --cache-clear examples/demo.c \
	>build/demo/cold.out || exit $?
cat build/demo/cold.out
cold=$(took "$t0")
echo
echo "== 2. warm: the next run starts from what the first one stored"
t0=$(now)
./bareflow jit --log-tiers --cache build/demo/cache.img examples/demo.c >build/demo/warm.out ||
	exit $?
warm=$(took "$t0")
cmp -s build/demo/cold.out build/demo/warm.out || { echo "demo: the warm run printed something else" >&2; exit 1; }
echo
echo "== 3. shrink: the appliance, a static executable without LLVM"
./bareflow export -o build/demo/appliance examples/demo.c || exit $?
t0=$(now)
./bareflow run build/demo/appliance >build/demo/appliance.out || exit $?
app=$(took "$t0")
cmp -s build/demo/cold.out build/demo/appliance.out ||
	{ echo "demo: the appliance printed something else" >&2; exit 1; }
echo
echo "bare-metal (QEMU), boot to exit: cold JIT $cold, warm JIT $warm, appliance $app" \
	"($(($(wc -c <build/demo/appliance) / 1024)) KiB; the JIT runtime is" \
	"$(($(wc -c <build/runtime/bareflow-rt) / 1048576)) MiB)"
