# Equivalence: each program in tests/jit (and the two-file programs in
# tests/jit/multi and tests/jit/sets) is built ahead of time (clang-19 -static -O1) and run
# natively, then under `bareflow jit --hosted` (the runtime's default
# optimization; low fixed tier-up counts compiled in the background, so that
# most functions are replaced while they run; --opt 0 and --opt 3) and
# `bareflow jit` bare-metal. stdout and the exit status must be the same in
# all six. Every run gets the same
# arguments (a file the guest is given with --file, and one with a space) and
# the same one-variable environment. With arguments (program names, e.g.
# `sh tests/boot/jit_equivalence.sh fp_math`), only those programs run.
. tests/boot/common.inc
mkdir -p build/jit
data=tests/jit/data.txt
failures=0
only=" $* "

# check NAME MODE OUT STATUS ERR: compare one run with the native one.
check() {
	if [ "$4" -ne "$native" ] || ! cmp -s "build/jit/$1.native.out" "$3"; then
		echo "MISMATCH $1 ($2): native status $native, jit status $4"
		diff "build/jit/$1.native.out" "$3" | head -20
		sed 's/^/    stderr: /' "$5" | head -20
		failures=$((failures + 1))
	else
		echo "same     $1 ($2, status $4)"
	fi
}

# The two-file program takes one half as bitcode made beforehand, optimized,
# position-dependent and with clang's own target attributes, as a user might
# bring it.
clang-19 -O2 -fno-pic -emit-llvm -c -o build/jit/multi_stats.bc tests/jit/multi/stats.c ||
	fail "cannot compile tests/jit/multi/stats.c to bitcode"

for src in tests/jit/*.c multi sets; do
	name=$(basename "$src" .c)
	if [ "$only" != "  " ]; then
		case $only in *" $name "*) ;; *) continue ;; esac
	fi
	if [ "$name" = multi ]; then
		set -- tests/jit/multi/main.c build/jit/multi_stats.bc
		sources="tests/jit/multi/main.c tests/jit/multi/stats.c"
	elif [ "$name" = sets ]; then
		set -- tests/jit/sets/first.c tests/jit/sets/second.c
		sources="$*"
	else
		set -- "$src"
		sources=$src
	fi
	bin=build/jit/$name
	clang-19 -static -O1 -o "$bin" $sources -lm || fail "cannot build $name"
	env -i A=1 "$bin" "$data" "two words" >"$bin.native.out" 2>"$bin.native.err" </dev/null
	native=$?
	for mode in hosted hosted-bg hosted-O0 hosted-O3 bare-metal; do
		case $mode in
		hosted) opts=--hosted ;;
		hosted-bg) opts="--hosted --compile-threads 1 --thresholds 20,200,50,1000" ;;
		hosted-O*) opts="--hosted --opt ${mode#hosted-O}" ;;
		bare-metal) opts= ;;
		esac
		./bareflow jit $opts --timeout 120 --env A=1 --file "$data" "$@" -- "$data" "two words" \
			>"$bin.$mode.out" 2>"$bin.$mode.err" </dev/null
		check "$name" "$mode" "$bin.$mode.out" $? "$bin.$mode.err"
	done
done
[ "$failures" -eq 0 ]
