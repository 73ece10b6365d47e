#!/bin/sh
# Threads on many CPUs: a CPU-bound pthreads program (bench/threads_work.c)
# and an OpenMP matmul (bench/omp_matmul.c, gcc -fopenmp, libgomp static)
# under `bareflow run --cpus 2` against `--cpus 1`, runs alternating, each
# timed by the program itself (monotonic clock, around its parallel part);
# then a futex ping-pong between two threads (bench/futex_pingpong.c),
# round trips per second on 2 CPUs, on 1, and natively on this host.
# usage: bench/threads.sh [RUNS]   (default 3 per configuration)
. "$(dirname "$0")/common.inc"
runs=${1:-3}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/threads.sh [RUNS]" >&2; exit 2 ;; esac
make -s all >&2 || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
mkdir -p build/bench
clang-19 -static -O2 -o build/bench/threads_work bench/threads_work.c || exit 1
gcc -fopenmp -static -O2 -o build/bench/omp_matmul bench/omp_matmul.c 2>"$dir/cc" || { cat "$dir/cc"; exit 1; }
clang-19 -static -O2 -o build/bench/futex_pingpong bench/futex_pingpong.c || exit 1

# field PROG CPUS KEY: one run's value of KEY ("ms", "rtps") on the output's first line.
field() {
	out=$(./bareflow run --cpus "$2" --timeout 300 "build/bench/$1" </dev/null) || {
		echo "bench: $1 on $2 CPUs failed: $out" >&2
		exit 1
	}
	echo "$out" | tr ' ' '\n' | sed -n "/^$3\$/{n;p;q}"
}

echo "host: $(getconf _NPROCESSORS_ONLN) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
printf '%-26s %10s %10s %8s\n' program "1 CPU ms" "2 CPUs ms" speedup
for prog in threads_work omp_matmul; do
	: >"$dir/$prog.1"
	: >"$dir/$prog.2"
	for i in $(seq "$runs"); do
		field $prog 1 ms >>"$dir/$prog.1"
		field $prog 2 ms >>"$dir/$prog.2"
	done
	stats "$dir/$prog.1"
	one=$med
	stats "$dir/$prog.2"
	two=$med
	printf '%-26s %10s %10s %8s\n' "$prog (median of $runs)" "$one" "$two" "$(ratio "$one" "$two")x"
done
: >"$dir/pp.1"
: >"$dir/pp.2"
for i in $(seq "$runs"); do
	field futex_pingpong 2 rtps >>"$dir/pp.2"
	field futex_pingpong 1 rtps >>"$dir/pp.1"
done
stats "$dir/pp.2"
echo "futex ping-pong, round trips/s (median of $runs): 2 CPUs $med; \\c"
stats "$dir/pp.1"
echo "1 CPU $med; this host natively $(build/bench/futex_pingpong | tr ' ' '\n' | sed -n '/^rtps$/{n;p;q}')"
