#!/bin/sh
# The language-model engine (apps/llm): tokens per second, as it reports
# them ("achieved tok/s", the first position left out), at temperature 0 on
#   - the committed fortune model (apps/llm/model/model.bin),
#   - synthetic models made here by bench/llmgen.c in the shapes of llama2.c's
#     stories15M (fp32 and int8) and stories110M (fp32),
# under each way of running it:
#   - natively, built ahead of time with clang-19 -O3 (generic x86-64: the
#     baseline of each row's ratios) and -O3 -march=native;
#   - `bareflow jit --hosted apps/llm/*.c` (the JIT runtime as a Linux process);
#   - bare-metal in QEMU (TCG, no KVM): `bareflow run` of the -O3 build and
#     `bareflow jit` (cold: compiles included), with fewer steps, on the two
#     small models; their ratios are to `run`.
# Then memory bandwidth (bench/copybw.c: STREAM-like copy, and a read-only
# sum) against the fp32 stories110M forward pass: tok/s x weight bytes.
# Every variant of every model runs once per round, so a change in the
# machine's load falls on all alike; the medians are shown.
# usage: bench/llm.sh [-n RUNS] [--no-bare-metal]   (default 3 runs)
# environment: LLAMA2C_RUN, a reference `run` binary built elsewhere from
#   llama2.c, measured natively in the same rounds (fp32 models only);
#   LLAMA2C_RUN_BARE, one built static without AVX-512 (TCG has none, e.g.
#   -Ofast alone), measured bare-metal under `bareflow run`.
. "$(dirname "$0")/common.inc"
usage() {
	echo "usage: bench/llm.sh [-n RUNS] [--no-bare-metal]" >&2
	exit 2
}
runs=3
bare=1
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
	--no-bare-metal) bare=0; shift ;;
	*) usage ;;
	esac
done
case $runs in '' | *[!0-9]* | 0) usage ;; esac
cli=build/bareflow-cli
ref=${LLAMA2C_RUN:-}
[ -z "$ref" ] || [ -x "$ref" ] || { echo "bench: LLAMA2C_RUN=$ref is not executable" >&2; exit 2; }
refbare=${LLAMA2C_RUN_BARE:-}
[ -z "$refbare" ] || [ -x "$refbare" ] ||
	{ echo "bench: LLAMA2C_RUN_BARE=$refbare is not executable" >&2; exit 2; }
make -s all >/dev/null || exit 1
dir=build/bench/llm
rm -rf "$dir" && mkdir -p "$dir" || exit 1

clang-19 -std=c11 -O2 -o "$dir/llmgen" bench/llmgen.c -lm &&
	clang-19 -O3 -o "$dir/copybw" bench/copybw.c &&
	clang-19 -static -std=c11 -D_GNU_SOURCE -O3 -o "$dir/llm-O3" apps/llm/*.c -lm &&
	clang-19 -static -std=c11 -D_GNU_SOURCE -O3 -march=native \
		-Wno-invalid-feature-combination -o "$dir/llm-native" apps/llm/*.c -lm || exit 1
for shape in stories15M stories110M; do
	mkdir -p "$dir/$shape" && "$dir/llmgen" "$shape" "$dir/$shape" || exit 1
done
rm -f "$dir/stories110M/model.q80.bin"

# model NAME: the checkpoint, its tokenizer, the steps natively and
# bare-metal, and the prompt. The fortune model soon ends its text at
# temperature 0, so it reads a long prompt (every position of which runs the
# network and counts): a few fortunes' worth of words.
long="The best way to predict the future is to invent it. If at first you do not succeed, try again."
long="$long $long $long $long $long $long $long $long $long $long"
model() {
	case $1 in
	fortune) set -- apps/llm/model/model.bin apps/llm/model/tokenizer.bin 256 64 "$long" ;;
	s15) set -- "$dir/stories15M/model.bin" "$dir/stories15M/tokenizer.bin" 256 32 ;;
	s15-int8) set -- "$dir/stories15M/model.q80.bin" "$dir/stories15M/tokenizer.bin" 256 12 ;;
	s110) set -- "$dir/stories110M/model.bin" "$dir/stories110M/tokenizer.bin" 48 0 ;;
	esac
	ckpt=$1 tok=$2 steps=$3 bsteps=$4 prompt=${5:-Once upon a time}
}
models="fortune s15 s15-int8 s110"

# measure MODEL VARIANT: one run; appends its tok/s (x1000) to MODEL.VARIANT.
measure() {
	model "$1"
	args="$ckpt -z $tok -t 0 -n $steps -i"
	case $2 in
	O3) "$dir/llm-O3" $args "$prompt" ;;
	native) "$dir/llm-native" $args "$prompt" ;;
	hosted) $cli jit --hosted --cache off apps/llm/*.c -- $args "$prompt" ;;
	reference) "$ref" $args "$prompt" ;;
	run) $cli run --timeout 600 --file "$dir/stories15M" --file apps/llm/model "$dir/llm-O3" \
		"$ckpt" -z "$tok" -t 0 -n "$bsteps" -i "$prompt" ;;
	jit) $cli jit --timeout 600 --file "$dir/stories15M" --file apps/llm/model apps/llm/*.c -- \
		"$ckpt" -z "$tok" -t 0 -n "$bsteps" -i "$prompt" ;;
	refrun) $cli run --timeout 600 --file "$dir/stories15M" --file apps/llm/model "$refbare" \
		"$ckpt" -z "$tok" -t 0 -n "$bsteps" -i "$prompt" ;;
	esac >"$dir/out" 2>"$dir/err" </dev/null || {
		echo "bench: $1 ($2) failed:" >&2
		cat "$dir/err" >&2
		exit 1
	}
	t=$(sed -n 's/^achieved tok\/s: //p' "$dir/err")
	[ -n "$t" ] || { echo "bench: $1 ($2) reported no tok/s" >&2; cat "$dir/err" >&2; exit 1; }
	echo "$t" | awk '{ printf "%d\n", $1 * 1000 }' >>"$dir/$1.$2"
	# the same text at temperature 0 as the -O3 build, or a note
	case $2 in run | jit | refrun) r="$dir/$1.bare.txt" ;; *) r="$dir/$1.txt" ;; esac
	if [ ! -e "$r" ]; then
		cp "$dir/out" "$r"
	elif ! cmp -s "$r" "$dir/out"; then
		echo "$1 $2" >>"$dir/differs"
	fi
}

variants() {
	echo O3 native hosted
	[ -z "$ref" ] || case $1 in *int8) ;; *) echo reference ;; esac
}
bare_variants() {
	[ "$bare" = 1 ] || return 0
	case $1 in fortune | s15) echo run jit ;; *) return 0 ;; esac
	[ -z "$refbare" ] || echo refrun
}

i=0
while [ $i -lt "$runs" ]; do
	for mdl in $models; do
		for v in $(variants $mdl) $(bare_variants $mdl); do
			measure "$mdl" "$v"
		done
	done
	i=$((i + 1))
done
"$dir/copybw" >"$dir/bw" || exit 1

med() { stats "$dir/$1.$2"; echo "$med"; }
tps() { secs "$1" | awk '{ printf "%.1f", $1 }'; }
echo "apps/llm tokens per second, temperature 0, median of $runs runs (ratio to the row's base)"
grep -m1 'model name' /proc/cpuinfo | sed 's/^.*: /CPU: /'
printf '%-10s %16s %16s %16s' model "-O3" "-O3 -march=native" "jit --hosted"
[ -z "$ref" ] || printf ' %16s' "llama2.c run"
[ "$bare" = 1 ] && printf ' %16s %16s' "bare run -O3" "bare jit"
[ "$bare" = 1 ] && [ -n "$refbare" ] && printf ' %16s' "bare llama2.c"
echo
for mdl in $models; do
	base=$(med "$mdl" O3)
	printf '%-10s' "$mdl"
	for v in O3 native hosted reference; do
		[ "$v" = reference ] && [ -z "$ref" ] && continue
		if [ -e "$dir/$mdl.$v" ]; then
			m=$(med "$mdl" "$v")
			printf ' %9s %5sx' "$(tps "$m")" "$(ratio "$m" "$base")"
		else
			printf ' %16s' -
		fi
	done
	if [ "$bare" = 1 ]; then
		if [ -e "$dir/$mdl.run" ]; then
			b=$(med "$mdl" run) j=$(med "$mdl" jit)
			printf ' %9s %5sx %9s %5sx' "$(tps "$b")" 1.000 "$(tps "$j")" "$(ratio "$j" "$b")"
			if [ -n "$refbare" ]; then
				r=$(med "$mdl" refrun)
				printf ' %9s %5sx' "$(tps "$r")" "$(ratio "$r" "$b")"
			fi
		else
			printf ' %16s %16s' - -
			[ -z "$refbare" ] || printf ' %16s' -
		fi
	fi
	echo
done
model s110
bytes=$(wc -c <"$ckpt")
echo
echo "memory bandwidth (bench/copybw.c, 256 MiB arrays, best of 5):"
sed 's/^/  /' "$dir/bw"
copy=$(sed -n 's/^copy \([0-9.]*\) GB\/s$/\1/p' "$dir/bw")
read=$(sed -n 's/^read \([0-9.]*\) GB\/s$/\1/p' "$dir/bw")
for v in O3 native hosted reference; do
	[ -e "$dir/s110.$v" ] || continue
	m=$(med s110 "$v")
	echo "$m $bytes" | awk -v v="$v" -v c="$copy" -v r="$read" '{
		g = $1 / 1000 * $2 / 1e9
		printf "  stories110M fp32 forward, %s: %.2f GB/s = %.0f%% of copy, %.0f%% of read (%.2f tok/s x %d bytes of weights)\n",
			v, g, 100 * g / c, 100 * g / r, $1 / 1000, $2 }'
done
if [ -e "$dir/differs" ]; then
	echo
	echo "note: text different from the -O3 build's at temperature 0 (summation order):"
	sort -u "$dir/differs" | sed 's/^/  /'
fi
exit 0
