#!/bin/sh
# The appliance against what a user could build by hand: each program of
# bench/tiers/ built by clang-19 -O3, -O3 -march=native, and with PGO
# (-fprofile-generate, a run on the same arguments, llvm-profdata-19
# merge, -fprofile-use), and exported by `bareflow-cli export` trained on
# the same arguments, for any x86-64 (the default) and for this CPU
# (--cpu host). Median wall time of RUNS runs each, taken in turns; ratios
# to clang -O3. Every output must equal clang -O3's. Then a hello-sized
# appliance booted with `run` against `run` of clang's build.
# usage: bench/export.sh [RUNS]   (default 5)
. "$(dirname "$0")/common.inc"
runs=${1:-5}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/export.sh [RUNS]" >&2; exit 2 ;; esac
progs=${PROGS:-matmul loopmain fib qsortcb spec}
make -s all || exit 1
dir=build/bench/export
rm -rf "$dir" && mkdir -p "$dir" || exit 1
cli=build/bareflow-cli
. bench/tiers/args.inc
variants="o3 native pgo appliance appliance-host"
cc="clang-19 -Wno-invalid-feature-combination"

for p in $progs; do
	a=$(host_args "$p") || exit 2
	src=bench/tiers/$p.c
	$cc -O3 -o "$dir/$p.o3" "$src" || exit 1
	$cc -O3 -march=native -o "$dir/$p.native" "$src" || exit 1
	$cc -O3 -fprofile-generate="$dir/$p.prof" -o "$dir/$p.gen" "$src" || exit 1
	"$dir/$p.gen" $a >/dev/null || exit 1
	llvm-profdata-19 merge -o "$dir/$p.profdata" "$dir/$p.prof" || exit 1
	$cc -O3 -fprofile-use="$dir/$p.profdata" -o "$dir/$p.pgo" "$src" || exit 1
	$cli export -o "$dir/$p.appliance" "$src" $a 2>/dev/null || exit 1
	$cli export --cpu host -o "$dir/$p.appliance-host" "$src" $a 2>/dev/null || exit 1
	"$dir/$p.o3" $a >"$dir/$p.want" || exit 1
	for v in $variants; do : >"$dir/$p.$v.ms"; done
	i=0
	while [ $i -lt "$runs" ]; do
		for v in $variants; do
			t0=$(now_ms)
			"$dir/$p.$v" $a >"$dir/out" || exit 1
			echo $(($(now_ms) - t0)) >>"$dir/$p.$v.ms"
			cmp -s "$dir/out" "$dir/$p.want" || { echo "bench: $p.$v: wrong output" >&2; exit 1; }
		done
		i=$((i + 1))
	done
done

echo "the appliance against clang ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), median of $runs, ratio to clang -O3:"
printf '  %-9s %16s %16s %16s %16s %16s\n' program "clang -O3" "-march=native" "PGO" \
	"export" "export --cpu host"
for p in $progs; do
	stats "$dir/$p.o3.ms"
	base=$med
	line=$(printf '  %-9s' "$p")
	for v in $variants; do
		stats "$dir/$p.$v.ms"
		line="$line $(printf '%8s %6sx' "$(secs "$med")" "$(ratio "$med" "$base")")"
	done
	echo "$line"
done
sizes=
for p in $progs; do sizes="$sizes $p $(($(wc -c <"$dir/$p.appliance") / 1024)) KiB;"; done
echo "appliance sizes:$sizes"

# A hello-sized appliance booted bare-metal: `run` of it against `run` of
# the same source built by clang -O3 (the issue's goal: at most 1.1x),
# 20 runs each in turns (a boot takes a quarter of a second).
hello=bench/hello.c
$cc -O3 -static -o "$dir/hello.o3" "$hello" || exit 1
$cli export -o "$dir/hello.appliance" "$hello" 2>/dev/null || exit 1
: >"$dir/hello.o3.ms"
: >"$dir/hello.appliance.ms"
i=0
while [ $i -le 20 ]; do
	for v in o3 appliance; do
		t0=$(now_ms)
		$cli run "$dir/hello.$v" >"$dir/out" || exit 1
		[ $i -eq 0 ] || echo $(($(now_ms) - t0)) >>"$dir/hello.$v.ms"
		grep -q '^Hello from the benchmark$' "$dir/out" || { echo "bench: hello.$v: wrong output" >&2; exit 1; }
	done
	i=$((i + 1))
done
stats "$dir/hello.o3.ms"
base=$med
stats "$dir/hello.appliance.ms"
echo "bare-metal hello (QEMU TCG), median of 20 in turns after a warm-up: run of clang -O3 $(secs "$base") s," \
	"run of the appliance $(secs "$med") s: $(ratio "$med" "$base")x (goal <= 1.1x)"
