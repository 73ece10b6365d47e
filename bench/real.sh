#!/bin/sh
# The JIT against ahead-of-time clang on realistic programs: wall time,
# process start to exit, of each program in bench/real/NAME/ (several C
# files) built with clang-19 -O3 (generic x86-64) and -O3 -march=native and
# run natively, run under the JIT hosted (the whole `bareflow-cli jit
# --hosted NAME/*.c` command, clang's C-to-bitcode compile included), and
# bare-metal in QEMU (`bareflow-cli jit NAME/*.c` against `bareflow-cli run`
# of the clang -O3 binary, at a smaller size). Hosted, the JIT runs three
# times, cold (--cache off: no code, profile or front-end bitcode kept from
# an earlier run) as by default (compiling in the background when there are
# two CPUs or more) and with --compile-threads 0 (the program waits for each
# compile), and warm: with a code cache that one untimed run before the
# rounds filled, as a user's later runs of the same program find it (each
# run saves it again, so round k runs with what k earlier runs learned).
# Bare-metal the same: cold (--cache off) and warm, with a code cache disk
# image that one untimed run before the rounds filled. Every output must
# equal the clang -O3 binary's. Ratios are to clang -O3 generic on the same
# platform.
# usage: bench/real.sh [-n RUNS] [--no-bare-metal] [NAME...]
#   (default 3 runs, every program in bench/real/)
# environment: JITFLAGS (extra options for every JIT run, e.g. "--opt 3"),
#   BAREFLOW_RUNTIME (another runtime binary, as for the CLI itself)
. "$(dirname "$0")/common.inc"
. bench/compare.inc
usage() {
	echo "usage: bench/real.sh [-n RUNS] [--no-bare-metal] [NAME...]" >&2
	exit 2
}
runs=3
bare=1
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
	--no-bare-metal) bare=0; shift ;;
	-*) usage ;;
	*) break ;;
	esac
done
case $runs in '' | *[!0-9]* | 0) usage ;; esac
if [ $# -gt 0 ]; then
	progs=$*
else
	progs=$(cd bench/real && for d in */; do echo "${d%/}"; done)
fi
jitflags=${JITFLAGS:-}

# host_args PROG, bare_args PROG: the program's arguments natively and
# hosted, and bare-metal (QEMU's software emulation is 5 to 30 times slower,
# and LLVM itself about 30 times).
host_args() {
	case $1 in
	aes) echo 5120 ;;
	crc) echo 24 ;;
	dijkstra) echo 100 300 ;;
	dsp) echo 8000 ;;
	forest) echo 200 60 ;;
	hashmap) echo 5000000 ;;
	jpeg) echo 100 ;;
	lz) echo 512 3 ;;
	matrix) echo 96 12 ;;
	nbody) echo 1200 400 ;;
	petri) echo 3000 ;;
	qrcode) echo 1500 ;;
	raytrace) echo 400 24 ;;
	regex) echo 40000 ;;
	sha256) echo 160 100 ;;
	sort) echo 60000 14 ;;
	tokenizer) echo 300000 ;;
	transformer) echo 24 ;;
	vm) echo 8 ;;
	wordfreq) echo 24 1024 ;;
	*) echo "bench: no sizes for bench/real/$1" >&2; return 1 ;;
	esac
}
bare_args() {
	case $1 in
	aes) echo 512 ;;
	crc) echo 12 ;;
	dijkstra) echo 10 300 ;;
	dsp) echo 800 ;;
	forest) echo 20 60 ;;
	hashmap) echo 500000 ;;
	jpeg) echo 10 ;;
	lz) echo 512 1 ;;
	matrix) echo 96 2 ;;
	nbody) echo 40 400 ;;
	petri) echo 300 ;;
	qrcode) echo 150 ;;
	raytrace) echo 128 24 ;;
	regex) echo 4000 ;;
	sha256) echo 16 10 ;;
	sort) echo 60000 1 ;;
	tokenizer) echo 30000 ;;
	transformer) echo 2 ;;
	vm) echo 3 ;;
	wordfreq) echo 2 1024 ;;
	esac
}
for p in $progs; do
	[ -d "bench/real/$p" ] || { echo "bench: no program bench/real/$p" >&2; exit 2; }
	host_args "$p" >/dev/null || exit 2
done

prepare build/bench/real

# Ahead of time, generic and for this CPU, static (so that `run` can boot
# the generic one).
for p in $progs; do
	clang-19 -O3 -static -o "$out/$p-generic" bench/real/"$p"/*.c -lm &&
		clang-19 -O3 -march=native -Wno-invalid-feature-combination -static \
			-o "$out/$p-native" bench/real/"$p"/*.c -lm || exit 1
done

warm_up
for p in $progs; do
	# shellcheck disable=SC2046 # words on purpose
	$cli jit --hosted --cache "$dir/cache" --timeout 600 $jitflags bench/real/"$p"/*.c -- \
		$(host_args "$p") >/dev/null 2>"$dir/err" </dev/null || {
		echo "bench: the run filling the code cache for $p failed:" >&2
		cat "$dir/err" >&2
		exit 1
	}
done

[ "$bare" = 0 ] || for p in $progs; do
	# shellcheck disable=SC2046 # words on purpose
	$cli jit --mem 1G --cache "$dir/bare-cache.img" --timeout 600 $jitflags bench/real/"$p"/*.c \
		-- $(bare_args "$p") >/dev/null 2>"$dir/err" </dev/null || {
		echo "bench: the run filling the bare-metal code cache for $p failed:" >&2
		cat "$dir/err" >&2
		exit 1
	}
done

# The measured runs: every variant of every program in each round, so that
# a change in the machine's load falls on all alike.
i=0
while [ $i -lt "$runs" ]; do
	for p in $progs; do
		measure_host "$p" bench/real/"$p"/*.c
		# shellcheck disable=SC2046 # words on purpose
		timed "$p.hosted-sync" "$dir/$p.host.ref" $cli jit --hosted --cache off --timeout 600 \
			--compile-threads 0 $jitflags bench/real/"$p"/*.c -- $(host_args "$p")
		# shellcheck disable=SC2046
		timed "$p.hosted-warm" "$dir/$p.host.ref" $cli jit --hosted --cache "$dir/cache" \
			--timeout 600 $jitflags bench/real/"$p"/*.c -- $(host_args "$p")
		[ "$bare" = 0 ] || {
			measure_bare "$p" bench/real/"$p"/*.c
			# shellcheck disable=SC2046
			timed "$p.bare-warm" "$dir/$p.bare.ref" $cli jit --mem 1G \
				--cache "$dir/bare-cache.img" --timeout 600 $jitflags bench/real/"$p"/*.c \
				-- $(bare_args "$p")
		}
	done
	i=$((i + 1))
done

heading "$runs"
printf '%-11s %-11s %15s %15s %15s %15s %15s\n' program arguments "clang -O3" "-march=native" \
	"jit --hosted" "(synchronous)" "(warm cache)"
table host_args generic native hosted hosted-sync hosted-warm
if [ "$bare" != 0 ]; then
	echo
	echo "Bare-metal: QEMU TCG (software emulation, no KVM):"
	printf '%-11s %-11s %15s %15s %15s\n' program arguments "clang -O3 (run)" "jit" \
		"(warm cache)"
	table bare_args bare-aot bare-jit bare-warm
fi

# verdict RATIO LIMIT: "met" or "MISSED".
verdict() {
	echo "$1 $2" | awk '{ print ($1 <= $2 ? "met" : "MISSED") }'
}
echo
g=$(geomean hosted)
echo "Compiling in the background against synchronously (jit --hosted):" \
	"$(echo "$g $(geomean hosted-sync)" | awk '{ printf "%.3f", $1 / $2 }')x"
echo "Goal: jit --hosted geometric mean <= 0.90x clang -O3: ${g}x, $(verdict "$g" 0.9)"
echo "The same with a warm code cache (not the goal's measure, which is cold):" \
	"$(geomean hosted-warm)x"
# shellcheck disable=SC2046 # two words on purpose
set -- $(worst hosted generic)
echo "Goal: no program above 1.10x clang -O3 under jit --hosted: at worst $1x ($2)," \
	"$(verdict "$1" 1.1)"
if [ "$bare" != 0 ]; then
	# shellcheck disable=SC2046
	set -- $(worst bare-jit bare-aot)
	echo "Goal: bare-metal jit <= 3x bare-metal run of clang -O3: at worst $1x ($2)," \
		"$(verdict "$1" 3)"
	# shellcheck disable=SC2046
	set -- $(worst bare-warm bare-aot)
	echo "The same with a warm code cache (not the goal's measure, which is cold):" \
		"geometric mean $(geomean bare-warm)x, at worst $1x ($2)"
fi
