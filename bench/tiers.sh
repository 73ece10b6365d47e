#!/bin/sh
# The JIT against ahead-of-time clang: wall time, process start to exit, of
# each program in bench/tiers/ built with clang-19 -O3 (generic x86-64) and
# -O3 -march=native and run natively, run under the JIT hosted (the whole
# `bareflow-cli jit --hosted PROG.c` command, clang's C-to-bitcode compile
# included, and the runtime alone on bitcode made beforehand), and
# bare-metal in QEMU (`bareflow-cli jit PROG.c` against `bareflow-cli run`
# of the clang -O3 binary, at a smaller size). Every output must equal the
# clang -O3 binary's. Ratios are to clang -O3 generic on the same platform.
# usage: bench/tiers.sh [RUNS]   (default 3)
# environment: JITFLAGS (extra runtime options for every JIT run, e.g.
#   "--opt 3"), PROGS (the programs, default all five), BARE=0 (host only),
#   BAREFLOW_RUNTIME (another runtime binary, as for the CLI itself)
. "$(dirname "$0")/common.inc"
runs=${1:-3}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/tiers.sh [RUNS]" >&2; exit 2 ;; esac
progs=${PROGS:-matmul loopmain fib qsortcb spec}
bare=${BARE:-1}
jitflags=${JITFLAGS:-}

# host_args PROG, bare_args PROG: the program's arguments natively and
# hosted, and bare-metal (QEMU's software emulation is far slower).
host_args() {
	case $1 in
	matmul) echo 96 6000 ;;
	loopmain) echo 2000 500 ;;
	fib) echo 41 ;;
	qsortcb) echo 100000 60 ;;
	spec) echo 100000 5000 ;;
	*) echo "bench: no program bench/tiers/$1.c" >&2; return 1 ;;
	esac
}
bare_args() {
	case $1 in
	matmul) echo 96 150 ;;
	loopmain) echo 2000 1000 ;;
	fib) echo 40 ;;
	qsortcb) echo 100000 40 ;;
	spec) echo 100000 3000 ;;
	esac
}
for p in $progs; do
	host_args "$p" >/dev/null || exit 2
done

make -s all >&2 || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cli=build/bareflow-cli
rt=${BAREFLOW_RUNTIME:-build/runtime/bareflow-rt}
out=build/bench/tiers
mkdir -p "$out" || exit 1

# Ahead of time, generic and for this CPU; and, for the runtime-only runs,
# the very bitcode the CLI makes (with its clang flags, tools/cli/jit.c):
# a stand-in runtime (the CLI runs $BAREFLOW_RUNTIME instead of its own)
# that only copies the bitcode file it is given.
cat >"$dir/grab-bc" <<EOF || exit 1
#!/bin/sh
for a; do
	case \$a in
	--) break ;;
	*.bc) exec /bin/cp "\$a" "$dir/grabbed.bc" ;;
	esac
done
exit 1
EOF
chmod +x "$dir/grab-bc" || exit 1
for p in $progs; do
	clang-19 -O3 -static -o "$out/$p-generic" "bench/tiers/$p.c" &&
		clang-19 -O3 -march=native -static -o "$out/$p-native" "bench/tiers/$p.c" || exit 1
	rm -f "$dir/grabbed.bc"
	if ! BAREFLOW_RUNTIME="$dir/grab-bc" $cli jit --hosted "bench/tiers/$p.c" </dev/null ||
		! mv "$dir/grabbed.bc" "$dir/$p.bc"; then
		echo "bench: cannot get the CLI's bitcode of bench/tiers/$p.c" >&2
		exit 1
	fi
done

# timed NAME REF CMD...: run CMD with stdin from /dev/null and append its
# wall time in ms to $dir/NAME.ms. It must exit 0 and its stdout must equal
# the file REF; a REF that does not exist yet becomes its stdout.
timed() {
	name=$1
	ref=$2
	shift 2
	start=$(now_ms)
	"$@" >"$dir/out" 2>"$dir/err" </dev/null
	status=$?
	end=$(now_ms)
	if [ $status -ne 0 ]; then
		echo "bench: $* exited $status:" >&2
		cat "$dir/out" "$dir/err" >&2
		exit 1
	fi
	if [ ! -e "$ref" ]; then
		cp "$dir/out" "$ref" || exit 1
	elif ! cmp -s "$ref" "$dir/out"; then
		echo "bench: WRONG OUTPUT from $*" >&2
		echo "(--- clang -O3 generic, +++ this run):" >&2
		diff -u "$ref" "$dir/out" | sed 1,2d >&2
		cat "$dir/err" >&2
		exit 1
	fi
	echo $((end - start)) >>"$dir/$name.ms"
}

# The bare-metal reference output: the clang -O3 binary at the bare-metal
# size, run natively. Then a short warm-up: the runtime loaded once, QEMU
# booted once (a hello world).
if [ "$bare" != 0 ]; then
	for p in $progs; do
		# shellcheck disable=SC2046
		"$out/$p-generic" $(bare_args "$p") >"$dir/$p.bare.ref" </dev/null || {
			echo "bench: $out/$p-generic $(bare_args "$p") failed" >&2
			exit 1
		}
	done
	clang-19 -static -O2 -o build/bench/hello bench/hello.c || exit 1
	$cli run build/bench/hello >/dev/null </dev/null || exit 1
fi
env -i "$rt" --help >/dev/null || exit 1

# The measured runs: every variant of every program in each round.
i=0
while [ $i -lt "$runs" ]; do
	for p in $progs; do
		a=$(host_args "$p")
		ref=$dir/$p.host.ref
		# $a, $b and $jitflags are split into words on purpose.
		timed "$p.generic" "$ref" "$out/$p-generic" $a
		timed "$p.native" "$ref" "$out/$p-native" $a
		timed "$p.hosted" "$ref" $cli jit --hosted --timeout 600 $jitflags \
			"bench/tiers/$p.c" -- $a
		timed "$p.rt" "$ref" timeout 600 env -i $rt $jitflags "$dir/$p.bc" -- \
			"bench/tiers/$p" $a
		[ "$bare" != 0 ] || continue
		b=$(bare_args "$p")
		ref=$dir/$p.bare.ref
		timed "$p.bare-aot" "$ref" $cli run --timeout 600 "$out/$p-generic" $b
		timed "$p.bare-jit" "$ref" $cli jit --mem 1G --timeout 600 $jitflags \
			"bench/tiers/$p.c" -- $b
	done
	i=$((i + 1))
done

# median P VARIANT: the median in ms.
median() {
	stats "$dir/$1.$2.ms"
	echo "$med"
}
# cell P VARIANT: "SECONDS RATIO" against clang -O3 generic on that platform.
cell() {
	m=$(median "$1" "$2")
	case $2 in bare-*) g=$(median "$1" bare-aot) ;; *) g=$(median "$1" generic) ;; esac
	printf '%7s %6sx' "$(secs "$m")" "$(ratio "$m" "$g")"
	echo "$m $g" >>"$dir/$2.pairs"
}
# geomean VARIANT: the geometric mean of the variant's ratios.
geomean() {
	awk '{ s += log($1 / $2); n++ } END { printf "%.3f", exp(s / n) }' "$dir/$1.pairs"
}
# worst VARIANT BASE: "RATIO PROG", the largest ratio VARIANT / BASE of medians.
worst() {
	for p in $progs; do
		echo "$(median "$p" "$1") $(median "$p" "$2") $p"
	done | awk '{ r = $1 / $2; if (!n++ || r > w) { w = r; p = $3 } }
		END { printf "%.3f %s", w, p }'
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

echo "Wall time, process start to exit, median of $runs runs, interleaved (seconds,"
echo "and the ratio to clang -O3 generic on the same platform and size)."
echo "JIT runtime: $rt${jitflags:+, JITFLAGS: $jitflags}"
echo
echo "Host: Linux processes on this machine ($cpu):"
printf '%-9s %-11s %15s %15s %15s %15s\n' program arguments "clang -O3" "-march=native" \
	"jit --hosted" "runtime only"
for p in $progs; do
	printf '%-9s %-11s' "$p" "$(host_args "$p")"
	for v in generic native hosted rt; do
		printf ' %s' "$(cell "$p" $v)"
	done
	echo
done
printf '%-21s' "geometric mean"
for v in generic native hosted rt; do
	printf ' %7s %6sx' "" "$(geomean $v)"
done
echo
if [ "$bare" != 0 ]; then
	echo
	echo "Bare-metal: QEMU TCG (software emulation, no KVM):"
	printf '%-9s %-11s %15s %15s\n' program arguments "clang -O3 (run)" "jit"
	for p in $progs; do
		printf '%-9s %-11s' "$p" "$(bare_args "$p")"
		for v in bare-aot bare-jit; do
			printf ' %s' "$(cell "$p" $v)"
		done
		echo
	done
	printf '%-21s' "geometric mean"
	for v in bare-aot bare-jit; do
		printf ' %7s %6sx' "" "$(geomean $v)"
	done
	echo
fi
echo
case " $progs " in *" matmul "*)
	m=$(median matmul hosted)
	g=$(median matmul generic)
	if [ $((m * 1000)) -le $((g * 600)) ]; then verdict=met; else verdict=MISSED; fi
	echo "Goal: jit --hosted <= 0.60x clang -O3 on matmul, compile time included:" \
		"$(ratio "$m" "$g")x, $verdict"
	;;
esac
set -- $(worst hosted generic)
if [ "$(echo "$1" | awk '{ print ($1 <= 1.1) }')" = 1 ]; then verdict=met; else verdict=MISSED; fi
echo "Goal: no benchmark slower than 1.10x clang -O3: jit --hosted at worst $1x ($2), $verdict"
if [ "$bare" != 0 ]; then
	set -- $(worst bare-jit bare-aot)
	if [ "$(echo "$1" | awk '{ print ($1 <= 1.1) }')" = 1 ]; then verdict=met; else verdict=MISSED; fi
	echo "      bare-metal jit at worst $1x ($2), $verdict"
fi
