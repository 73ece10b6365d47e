#!/bin/sh
# The tier thresholds against each other: wall time of the runtime alone
# (build/runtime/bareflow-rt on bitcode made with the CLI's clang flags)
# for bench/tiers programs under several --thresholds settings, the
# default among them, median of RUNS runs, settings interleaved; and, as
# "short", all of tests/jit's small programs run one after another (where
# compiling is most of the time).
# usage: bench/thresholds.sh [RUNS]   (default 3)
# environment: PROGS (default "matmul fib spec qsortcb"), SETTINGS (the
#   --thresholds values, default below)
. "$(dirname "$0")/common.inc"
runs=${1:-3}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/thresholds.sh [RUNS]" >&2; exit 2 ;; esac
progs=${PROGS:-matmul fib spec qsortcb short}
settings=${SETTINGS:-20,200,500,1500 200,2000,5000,15000 2000,20000,50000,150000}
make -s all >&2 || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
rt=build/runtime/bareflow-rt

. bench/tiers/args.inc

# The CLI's own flags (tools/cli/jit.c).
bitcode() {
	clang-19 -O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0 -o "$1" "$2"
}
for p in $progs; do
	if [ "$p" = short ]; then
		for src in tests/jit/*.c; do
			bitcode "$dir/short-$(basename "$src" .c).bc" "$src" || exit 1
		done
	else
		bitcode "$dir/$p.bc" "bench/tiers/$p.c" || exit 1
	fi
done

# run P SETTING: run program P (or every short one) under the runtime.
run() {
	if [ "$1" = short ]; then
		for bc in "$dir"/short-*.bc; do
			env -i "$rt" --thresholds "$2" "$bc" -- prog tests/jit/data.txt x >"$dir/out" 2>&1 ||
				[ $? -lt 126 ] || return 1 # their exit statuses vary by design
		done
		return 0
	fi
	env -i "$rt" --thresholds "$2" "$dir/$1.bc" -- "$1" $(host_args "$1") >"$dir/out" 2>&1
}

# now_s: seconds since the epoch, with nanoseconds.
now_s() { date +%s.%N; }

r=0
while [ $r -lt "$runs" ]; do
	for p in $progs; do
		for s in $settings; do
			t0=$(now_s)
			run "$p" "$s" ||
				{ echo "bench: $p with --thresholds $s failed:" >&2; cat "$dir/out" >&2; exit 1; }
			t1=$(now_s)
			echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$dir/$p.$s"
		done
	done
	r=$((r + 1))
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf 'Runtime alone, wall seconds, median of %s runs, by --thresholds C1,L1,C2,L2\n' "$runs"
printf '%-9s' program
for s in $settings; do printf ' %22s' "$s"; done
echo
for p in $progs; do
	printf '%-9s' "$p"
	for s in $settings; do printf ' %22s' "$(median "$dir/$p.$s")"; done
	echo
done
