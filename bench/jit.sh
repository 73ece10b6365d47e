#!/bin/sh
# JIT benchmarks: the runtime's start-up (its start until the program's main
# is entered) hosted and bare-metal; compile time per function at each
# optimization level for a generated program of many functions; the
# runtime's size; and the wall time of `bareflow jit` on a trivial program.
# Timings inside the runtime come from its --profile JSON.
# usage: bench/jit.sh [RUNS] [FUNCTIONS]   (defaults 5 and 100)
. "$(dirname "$0")/common.inc"
runs=${1:-5}
nfun=${2:-100}
case $runs in '' | *[!0-9]* | 0) echo "usage: bench/jit.sh [RUNS] [FUNCTIONS]" >&2; exit 2 ;; esac
case $nfun in '' | *[!0-9]* | 0) echo "usage: bench/jit.sh [RUNS] [FUNCTIONS]" >&2; exit 2 ;; esac
make -s all >&2 || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cli=build/bareflow-cli
rt=build/runtime/bareflow-rt
mkdir -p build/bench

# Bitcode made with the CLI's own clang flags (tools/cli/jit.c): a trivial
# program, and one of $nfun external functions (so that none is
# inlined away) each with a loop and branches, called through a table.
clang-19 -O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0 \
	-o "$dir/hello.bc" bench/hello.c || exit 1
clang-19 -static -O2 -o build/bench/hello bench/hello.c || exit 1
{
	echo '#include <stdio.h>'
	i=0
	while [ $i -lt "$nfun" ]; do
		cat <<-END
		long f$i(long x)
		{
			long s = $i;
			for (int k = 0; k < (int)(x & 15); k++) {
				if ((k ^ $i) % 3 == 0)
					s += x * k + $((i * 7 % 13));
				else if (k & 1)
					s ^= x >> (k & 7);
				else
					s -= k * $((i % 5 + 1));
			}
			return s;
		}
		END
		i=$((i + 1))
	done
	echo "static long (*const table[])(long) = {"
	i=0
	while [ $i -lt "$nfun" ]; do
		echo "	f$i,"
		i=$((i + 1))
	done
	echo "};"
	cat <<-'END'
	int main(int argc, char **argv)
	{
		long s = 0;
		for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
			s += table[i](argc + (long)i);
		printf("%ld\n", s);
		return 0;
	}
	END
} >"$dir/many.c"
clang-19 -O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0 \
	-o "$dir/many.bc" "$dir/many.c" || exit 1

# json_num FILE KEY: an integer member of the runtime's profile.
json_num() { sed -n "s/^ *\"$2\": \([0-9]*\).*/\1/p" "$1"; }
json_str() { sed -n "s/^ *\"$2\": \"\([^\"]*\)\".*/\1/p" "$1"; }

# profile NAME ARGS...: run `bareflow-cli jit --profile ARGS`; it must exit
# 0. Appends startup_us to $dir/NAME.start and compile_us / functions (in
# ns) to $dir/NAME.fun; the last profile stays in $dir/NAME.json.
profile() {
	name=$1
	shift
	if ! $cli jit --timeout 600 --profile "$dir/$name.json" "$@" >"$dir/out" 2>&1 </dev/null; then
		echo "bench: bareflow jit $* failed:" >&2
		cat "$dir/out" >&2
		exit 1
	fi
	json_num "$dir/$name.json" startup_us >>"$dir/$name.start"
	c=$(json_num "$dir/$name.json" compile_us)
	f=$(json_num "$dir/$name.json" function_count)
	echo $((c * 1000 / f)) >>"$dir/$name.fun"
}

# wall NAME CMD...: append CMD's wall time in ms to $dir/NAME.ms; it must exit 0.
wall() {
	name=$1
	shift
	start=$(now_ms)
	if ! "$@" >"$dir/out" 2>&1 </dev/null; then
		echo "bench: $* failed:" >&2
		cat "$dir/out" >&2
		exit 1
	fi
	end=$(now_ms)
	echo $((end - start)) >>"$dir/$name.ms"
}

# One warm-up of each, then the measured runs interleaved.
$cli jit --hosted "$dir/hello.bc" >/dev/null && $cli jit "$dir/hello.bc" >/dev/null || exit 1
i=0
while [ $i -lt "$runs" ]; do
	profile start-hosted --hosted "$dir/hello.bc"
	profile start-bare "$dir/hello.bc"
	for level in 0 1 2 3; do
		profile "many$level-hosted" --hosted --opt $level "$dir/many.bc"
		profile "many$level-bare" --opt $level "$dir/many.bc"
	done
	wall boot-wrapper ./bareflow jit bench/hello.c
	wall boot-cli $cli jit "$dir/hello.bc"
	wall boot-hosted $cli jit --hosted --cache off "$dir/hello.bc"
	wall boot-run $cli run build/bench/hello
	wall boot-rt $cli run "$rt" --help
	i=$((i + 1))
done

# ms3 US: microseconds as milliseconds with three decimals.
ms3() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

echo "JIT start-up, runtime start to main entered (--profile startup_us), trivial"
echo "program, $runs runs each (ms):"
printf '  %-44s %9s %9s %9s\n' "" min median max
for m in hosted bare; do
	stats "$dir/start-$m.start"
	cpu=$(json_str "$dir/start-$m.json" cpu)
	[ $m = hosted ] && label="hosted (Linux process, cpu $cpu)" ||
		label="bare-metal (QEMU TCG, cpu $cpu)"
	printf '  %-44s %9s %9s %9s\n' "$label" "$(ms3 "$min")" "$(ms3 "$med")" "$(ms3 "$max")"
done
echo
echo "Compile time per function (optimize + code generation, divided by the"
echo "functions compiled), $nfun-function program, median of $runs (ms):"
printf '  %-8s %12s %12s %9s\n' level hosted bare-metal ratio
for level in 0 1 2 3; do
	stats "$dir/many$level-hosted.fun"
	h=$med
	stats "$dir/many$level-bare.fun"
	b=$med
	printf '  %-8s %12s %12s %8sx\n' "-O$level" "$(ms3 $((h / 1000)))" "$(ms3 $((b / 1000)))" \
		"$(ratio "$b" "$h")"
done
echo
size=$(stat -c %s "$rt")
llvm-strip-19 -o "$dir/rt-stripped" "$rt" 2>/dev/null
stripped=$(stat -c %s "$dir/rt-stripped" 2>/dev/null || echo 0)
echo "Runtime binary ($rt):"
printf '  %-44s %12d bytes (%d.%d MiB)\n' "as built (with symbols and debug info)" "$size" \
	$((size / 1048576)) $((size * 10 / 1048576 % 10))
printf '  %-44s %12d bytes (%d.%d MiB)\n' "stripped" "$stripped" \
	$((stripped / 1048576)) $((stripped * 10 / 1048576 % 10))
echo
echo "Wall time, process start to exit, trivial program (bench/hello.c), $runs runs (s):"
printf '  %-44s %9s %9s %9s\n' "" min median max
for m in wrapper cli hosted run rt; do
	case $m in
	wrapper) label="./bareflow jit bench/hello.c" ;;
	cli) label="bareflow-cli jit hello.bc (no make, no clang)" ;;
	hosted) label="bareflow-cli jit --hosted hello.bc" ;;
	run) label="bareflow-cli run hello (ahead of time)" ;;
	rt) label="bareflow-cli run bareflow-rt --help (no JIT)" ;;
	esac
	stats "$dir/boot-$m.ms"
	printf '  %-44s %9s %9s %9s\n' "$label" "$(secs "$min")" "$(secs "$med")" "$(secs "$max")"
done
