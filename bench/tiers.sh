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
. bench/compare.inc
runs=${1:-3}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/tiers.sh [RUNS]" >&2; exit 2 ;; esac
progs=${PROGS:-matmul loopmain fib qsortcb spec}
bare=${BARE:-1}
jitflags=${JITFLAGS:-}

. bench/tiers/args.inc
for p in $progs; do
	host_args "$p" >/dev/null || exit 2
done

prepare build/bench/tiers

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

warm_up

# The measured runs: every variant of every program in each round.
i=0
while [ $i -lt "$runs" ]; do
	for p in $progs; do
		measure_host "$p" "bench/tiers/$p.c"
		# $jitflags and the arguments are split into words on purpose.
		timed "$p.rt" "$dir/$p.host.ref" timeout 600 env -i $rt $jitflags "$dir/$p.bc" -- \
			"bench/tiers/$p" $(host_args "$p")
		[ "$bare" = 0 ] || measure_bare "$p" "bench/tiers/$p.c"
	done
	i=$((i + 1))
done

heading "$runs"
printf '%-11s %-11s %15s %15s %15s %15s\n' program arguments "clang -O3" "-march=native" \
	"jit --hosted" "runtime only"
table host_args generic native hosted rt
if [ "$bare" != 0 ]; then
	echo
	echo "Bare-metal: QEMU TCG (software emulation, no KVM):"
	printf '%-11s %-11s %15s %15s\n' program arguments "clang -O3 (run)" "jit"
	table bare_args bare-aot bare-jit
fi
echo
case " $progs " in *" matmul "*)
	m=$(median matmul hosted)
	g=$(median matmul generic)
	if [ $((m * 1000)) -le $((g * 600)) ]; then verdict=met; else verdict=MISSED; fi
	echo "Goal: jit --hosted <= 0.60x clang -O3 on matmul, compile time included:" \
		"$(ratio "$m" "$g")x, $verdict"
	# the JIT-must-win issue's, lower
	if [ $((m * 1000)) -le $((g * 500)) ]; then verdict=met; else verdict=MISSED; fi
	echo "Goal: jit --hosted <= 0.50x clang -O3 on matmul (the later goal):" \
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
