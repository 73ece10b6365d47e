#!/bin/sh
# --sample's overhead, bare-metal under `bareflow run` (TCG), on fixed loops
# timed inside the program (tests/see/hot.c, the sampling test's program):
#   - the share of the program's TSC cycles the sampling itself took in the
#     timer interrupt (the kernel counts them: bfsample-end in its log),
#     at the default 997 Hz; the goal is at most 2%;
#   - the program's cycles with and without --sample, alternating for RUNS
#     pairs, the ratio taken pair by pair (this one also holds the cost of
#     the extra timer interrupts, and the machine's noise).
# usage: bench/sample.sh [RUNS] [N]   (default 7 pairs; N as for hot.c, 2000000)
. "$(dirname "$0")/common.inc"
runs=${1:-7}
n=${2:-2000000}
make -s all || exit 1
mkdir -p build/bench
clang-19 -static -O1 -fno-omit-frame-pointer -o build/bench/hot tests/see/hot.c || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for f in plain sampled ratio share; do : >"$tmp/$f"; done
i=0
while [ $i -lt "$runs" ]; do
	./bareflow run --timeout 600 build/bench/hot "$n" cycles >"$tmp/out" || exit 1
	plain=$(tail -n 1 "$tmp/out")
	./bareflow run --timeout 600 --verbose --sample-out /dev/null build/bench/hot "$n" cycles \
		>"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
	sampled=$(tail -n 1 "$tmp/out")
	spent=$(sed -n 's/^bfsample-end [0-9]* [0-9]* \([0-9]*\)$/\1/p' "$tmp/err")
	[ -n "$spent" ] || { echo "bench: no bfsample-end line in the kernel log" >&2; exit 1; }
	echo "$plain" >>"$tmp/plain"
	echo "$sampled" >>"$tmp/sampled"
	echo $(((sampled * 1000 + plain / 2) / plain)) >>"$tmp/ratio" # thousandths
	echo $(((spent * 100000 + sampled / 2) / sampled)) >>"$tmp/share" # thousandths of a %
	i=$((i + 1))
done
echo "--sample overhead at 997 Hz, $runs alternating pairs, hot.c $n (TCG):"
stats "$tmp/share"
echo "  sampling's own cycles, % of the program's: median $(secs "$med")% (min $(secs "$min")%," \
	"max $(secs "$max")%; goal <= 2%)"
stats "$tmp/plain"
echo "  program cycles without --sample: median $med (min $min, max $max)"
stats "$tmp/sampled"
echo "  program cycles with --sample:    median $med (min $min, max $max)"
stats "$tmp/ratio"
echo "  with / without, pair by pair: median $(secs "$med") (min $(secs "$min"), max $(secs "$max"))"
