#!/bin/sh
# The code cache, hosted: for each program in bench/tiers/, a cold run of
# `bareflow-cli jit --hosted` with an empty cache, then RUNS warm runs that
# start from what the cold one stored, against clang-19 -O3 -march=native
# run natively, in alternation. Prints each program's compile time cold
# and warm (the runtime's own figure: tier 0 and the tiers, from its
# --profile JSON; warm, tier 0 is linked from the cache), their ratio, and
# the warm run's median wall time against the native build's. Every output
# must equal the native build's.
# usage: bench/cache.sh [RUNS]   (default 5)
. "$(dirname "$0")/common.inc"
runs=${1:-5}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/cache.sh [RUNS]" >&2; exit 2 ;; esac
progs=${PROGS:-matmul loopmain fib qsortcb spec}
make -s all || exit 1
dir=build/bench/cache
rm -rf "$dir" && mkdir -p "$dir" || exit 1
cli=build/bareflow-cli

. bench/tiers/args.inc
# compile_ms JSON: the runtime's compile time, tier 0 included, in ms.
compile_ms() {
	sed -n 's/.*"compile_ms_total": \([0-9.]*\).*/\1/p' "$1" | head -n 1
}

echo "the code cache, hosted ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), median of $runs:"
printf '  %-9s %12s %12s %8s %12s %12s %8s\n' program "cold compile" "warm compile" ratio \
	"warm wall" "native wall" ratio
for p in $progs; do
	a=$(host_args "$p") || exit 2
	clang-19 -O3 -march=native -Wno-invalid-feature-combination -o "$dir/$p.native" \
		"bench/tiers/$p.c" || exit 1
	"$dir/$p.native" $a >"$dir/$p.want" || exit 1
	c=$dir/$p.cache
	$cli jit --hosted --cache "$c" --profile "$dir/$p.cold.json" "bench/tiers/$p.c" $a \
		>"$dir/$p.out" || exit 1
	cmp -s "$dir/$p.out" "$dir/$p.want" || { echo "bench: $p: output differs (cold)" >&2; exit 1; }
	: >"$dir/$p.warm" && : >"$dir/$p.nat"
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now_ms)
		$cli jit --hosted --cache "$c" --profile "$dir/$p.warm.json" "bench/tiers/$p.c" $a \
			>"$dir/$p.out" || exit 1
		echo $(($(now_ms) - t0)) >>"$dir/$p.warm"
		cmp -s "$dir/$p.out" "$dir/$p.want" || { echo "bench: $p: output differs (warm)" >&2; exit 1; }
		t0=$(now_ms)
		"$dir/$p.native" $a >/dev/null || exit 1
		echo $(($(now_ms) - t0)) >>"$dir/$p.nat"
		i=$((i + 1))
	done
	cold=$(compile_ms "$dir/$p.cold.json") warm=$(compile_ms "$dir/$p.warm.json")
	stats "$dir/$p.warm"
	w=$med
	stats "$dir/$p.nat"
	printf '  %-9s %9s ms %9s ms %7s%% %9s ms %9s ms %7sx\n' "$p" "$cold" "$warm" \
		"$(awk -v a="$warm" -v b="$cold" 'BEGIN { printf "%.1f", 100 * a / b }')" "$w" "$med" \
		"$(ratio "$w" "$med")"
done
