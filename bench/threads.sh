#!/bin/sh
# Threads on many CPUs: a CPU-bound pthreads program (bench/threads_work.c)
# and an OpenMP matmul (bench/omp_matmul.c, gcc -fopenmp, libgomp static)
# under `bareflow run --cpus 2` against `--cpus 1`, runs alternating, each
# timed by the program itself (monotonic clock, around its parallel part);
# then a futex ping-pong between two threads (bench/futex_pingpong.c),
# round trips per second on 2 CPUs, on 1, natively on this host, and in
# the Linux VM of bench/linux_vm.sh (Debian's kernel in the same QEMU, 2
# vCPUs, multi-threaded TCG), when linux-image-amd64 is there; and last,
# compiling in the background: bare-metal `jit` of bench/tiers/matmul.c at
# its bare-metal size, main to exit (the runtime's --report), --cpus 2
# against --cpus 1, alternating, with the compiles in the guest (--compile-on
# guest, what the issue's goal measures: the second CPU takes them) and on
# the host (the default: the guest's compiler thread waits for the host's
# compile server on either CPU count, so there is little left to hide);
# both with --compile-cpu off, or --cpus 1 would get a CPU for the compiles
# too where the host has one to spare.
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
if find_linux_kernel 2>"$dir/err" && build_linux_init futex_pingpong bench/futex_pingpong.c; then
	: >"$dir/pp.linux"
	for i in $(seq "$runs"); do
		timeout 300 qemu-system-x86_64 $(echo "$qemu_flags" | sed 's/-smp 1/-smp 2/') \
			-accel tcg,thread=multi -kernel "$linux_kernel" \
			-initrd build/bench/futex_pingpong.cpio -append "$linux_cmdline" \
			</dev/null 2>&1 | tr -d '\r' | tr ' ' '\n' | sed -n '/^rtps$/{n;p;q}' >>"$dir/pp.linux"
	done
	stats "$dir/pp.linux"
	echo "futex ping-pong in the Linux VM ($(basename "$linux_kernel"), 2 vCPUs): $med round trips/s (median of $runs)"
else
	echo "(no Linux VM to compare the ping-pong with: $(head -n 1 "$dir/err"))"
fi

# Compiling in the background, bare-metal: main to exit of the JIT run.
. bench/tiers/args.inc
a=$(bare_args matmul)
for where in guest host; do
	: >"$dir/bg.1"
	: >"$dir/bg.2"
	for i in $(seq "$runs"); do
		for c in 1 2; do
			build/bareflow-cli jit --cpus $c --compile-cpu off --compile-on $where \
				--cache off --report --timeout 600 bench/tiers/matmul.c -- $a \
				>/dev/null 2>"$dir/err" </dev/null ||
				{ cat "$dir/err" >&2; exit 1; }
			sed -n 's/^  main to exit *\([0-9]*\)\.[0-9]* ms$/\1/p' "$dir/err" >>"$dir/bg.$c"
		done
	done
	stats "$dir/bg.1"
	one=$med
	stats "$dir/bg.2"
	goal=
	[ $where = guest ] && goal=" (goal: at most 0.6x)"
	echo "jit --compile-on $where bench/tiers/matmul.c $a, main to exit (median of $runs):" \
		"--cpus 1 $one ms, --cpus 2 $med ms: $(ratio "$med" "$one")x$goal"
done
