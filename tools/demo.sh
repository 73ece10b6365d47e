#!/bin/sh
# make run's demo: grow to shrink, bare-metal under QEMU, on the language
# model (apps/llm, with the small model trained on Debian's fortunes, which
# writes a fortune of its own; seeded, so every step writes the same text):
#   1. a cold run under the JIT: it profiles, recompiles hot code,
#      specializes it, and stores what it made in the code cache (a FAT
#      disk image, build/demo/cache.img, emptied first);
#   2. the same run again: it starts from the cache, optimized;
#   3. the appliance: `bareflow export` trains the program, writes it out as
#      a static executable without LLVM, and `bareflow run` boots it.
# Each step's wall time is shown; the text of every run must match. With
# two host CPUs or more, the JIT runs get two (--cpus 2).
cd "$(dirname "$0")/.." || exit 2
mkdir -p build/demo || exit 1
args="apps/llm/model/model.bin -t 0.8 -s 18"
# Two CPUs where the host has them: the JIT then compiles on the second
# while the program runs on (each background tier-up's log line shows the
# program's progress when it was asked for and when it went in).
cpus=
[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ] && cpus="--cpus 2"
now() { date +%s%N; }
took() { t=$((($(now) - $1) / 1000000)); printf '%d.%03d s' $((t / 1000)) $((t % 1000)); }

echo "== 1. cold: the JIT learns the program (tier-ups, the text, the profile; the cache stored)"
t0=$(now)
./bareflow jit $cpus --log-tiers --report --cache build/demo/cache.img --cache-clear \
	--file apps/llm/model apps/llm/*.c -- $args >build/demo/cold.out || exit $?
cold=$(took "$t0")
cat build/demo/cold.out
echo
echo "== 2. warm: the next run starts from what the first one stored"
t0=$(now)
./bareflow jit $cpus --log-tiers --cache build/demo/cache.img --file apps/llm/model apps/llm/*.c -- \
	$args >build/demo/warm.out || exit $?
warm=$(took "$t0")
cmp -s build/demo/cold.out build/demo/warm.out || { echo "demo: the warm run wrote something else" >&2; exit 1; }
echo
echo "== 3. shrink: the appliance, a static executable without LLVM"
./bareflow export -o build/demo/llm apps/llm/*.c -- $args || exit $?
t0=$(now)
./bareflow run --file apps/llm/model build/demo/llm $args >build/demo/appliance.out || exit $?
app=$(took "$t0")
cmp -s build/demo/cold.out build/demo/appliance.out ||
	{ echo "demo: the appliance wrote something else" >&2; exit 1; }
# The runtime's size as linked: its file is padded with a hole after the
# section headers, which lld writes last (runtime/runtime.mk).
rt=build/runtime/bareflow-rt
rt_end=$(($(od -An -t u8 -j 40 -N 8 $rt) + $(od -An -t u2 -j 58 -N 2 $rt) * $(od -An -t u2 -j 60 -N 2 $rt)))
echo
echo "bare-metal (QEMU), boot to exit: cold JIT $cold, warm JIT $warm, appliance $app" \
	"($(($(wc -c <build/demo/llm) / 1024)) KiB; the JIT runtime is $((rt_end / 1048576)) MiB)"
