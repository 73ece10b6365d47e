# The appliance: `bareflow export` trains each program of tests/jit (and
# the tiers programs) under the JIT, then writes a static executable that
# must give the same stdout and status as the program built ahead of time,
# on the training arguments and on others (so that specialization guards
# miss), natively and under `bareflow run` bare-metal. An
# appliance holds no LLVM (no LLVM symbol, under 2 MiB). --from-cache
# exports what a `jit --hosted` run stored; without such a profile, or for
# a program that does not compile, export fails with a reason and writes
# nothing; a training run that exits with a status of the program's own,
# 200, is a run, one killed by a signal none. --iso writes a bootable ISO
# as well.
. tests/boot/common.inc
mkdir -p build/jit
data=tests/jit/data.txt
failures=0

# same WHAT EXE ARGS...: EXE and the ahead-of-time build $aot agree.
same() {
	what=$1 exe=$2
	shift 2
	env -i A=1 "$aot" "$@" >"$TMP/want" 2>/dev/null </dev/null
	want=$?
	env -i A=1 "$exe" "$@" >"$TMP/got" 2>"$TMP/err" </dev/null
	compare_runs "$what (against ahead of time)" "$TMP/want" "$want" "$TMP/got" $? "$TMP/err"
}

for src in tests/jit/*.c tests/jit/tiers/*.c; do
	name=$(basename "$src" .c)
	aot=$TMP/$name.aot
	clang-19 -static -O1 -o "$aot" "$src" -lm || fail "cannot build $name"
	case $name in
	swap) train="3000000" other="1000000" ;;
	adaptive) train="100000" other="30000" ;;
	overlap) train="400" other="1" ;; # specialized in training: its guard checks ranges
	*) train="$data two" other="$data three" ;;
	esac
	./bareflow export --timeout 300 --env A=1 -o "$TMP/$name" "$src" -- $train \
		>"$TMP/export.out" 2>&1 || {
		echo "EXPORT FAILED $name: $(cat "$TMP/export.out")"
		failures=$((failures + 1))
		continue
	}
	same "$name (training arguments)" "$TMP/$name" $train
	same "$name (other arguments)" "$TMP/$name" $other
	# bare-metal too: any x86-64's code (the default) runs under emulation
	./bareflow run --timeout 120 --env A=1 --file "$data" "$TMP/$name" $other \
		>"$TMP/got" 2>"$TMP/err" </dev/null
	got=$?
	env -i A=1 "$aot" $other >"$TMP/want" 2>/dev/null </dev/null
	if [ "$got" -ne $? ] || ! cmp -s "$TMP/want" "$TMP/got"; then
		echo "MISMATCH $name (bare-metal): status $got"
		diff "$TMP/want" "$TMP/got" | head -5
		failures=$((failures + 1))
	else
		echo "same     $name (bare-metal, status $got)"
	fi
	if nm "$TMP/$name" 2>/dev/null | grep -qi llvm; then
		echo "LLVM in $name: $(nm "$TMP/$name" | grep -i llvm | head -3)"
		failures=$((failures + 1))
	fi
	size=$(wc -c <"$TMP/$name")
	[ "$size" -lt 2097152 ] || { echo "$name is $size bytes"; failures=$((failures + 1)); }
done
[ "$failures" -eq 0 ] || fail "$failures appliances differ from the programs"

# A specialized function, trained on one size and run on others, natively
# and bare-metal (any x86-64's code, the default, runs under emulation).
aot=$TMP/scale.aot
clang-19 -static -O2 -o "$aot" "tests/jit/learn/scale.c" || fail "cannot build scale.c"
run ./bareflow export -o "$TMP/scale" "tests/jit/learn/scale.c" 512 20000
expect_status 0
expect_output "wrote $TMP/scale: [0-9]* KiB, a static x86-64 executable without LLVM"
same "scale (trained)" "$TMP/scale" 512 200
same "scale (guard misses)" "$TMP/scale" 300 200
[ "$failures" -eq 0 ] || fail "the specialized appliance differs"
run ./bareflow run "$TMP/scale" 300 50
want=$("$aot" 300 50)
expect_status $?
[ "$(head -n 1 "$OUT")" = "$want" ] || fail "bare-metal: $(cat "$OUT")"

# --from-cache: what a jit --hosted run stored
./bareflow jit --hosted --cache "$TMP/c" "tests/jit/learn/scale.c" 512 20000 >/dev/null 2>&1
run ./bareflow export --from-cache --cache "$TMP/c" -o "$TMP/scale2" "tests/jit/learn/scale.c"
expect_status 0
same "scale (from the cache)" "$TMP/scale2" 300 200
run ./bareflow export --from-cache --cache "$TMP/empty" -o "$TMP/none" "tests/jit/learn/scale.c"
expect_status 1
expect_output "no profile of this program in $TMP/empty to export"
[ ! -e "$TMP/none" ] || fail "a failed export wrote its output"
# a program that does not compile: clang's messages, exit 1, nothing written
printf 'int main(void) { return x; }\n' >"$TMP/bad.c"
run ./bareflow export -o "$TMP/bad" "$TMP/bad.c"
expect_status 1
expect_output "error:"
[ ! -e "$TMP/bad" ] || fail "a failed export wrote its output"
# a training run that exits with a status of its own, 200, is a run: the
# appliance is written (and returns the program's status); one killed by a
# signal is none
printf '#include <stdlib.h>\nint main(int c, char **v) { return atoi(v[1]); }\n' >"$TMP/status.c"
run ./bareflow export -o "$TMP/status" "$TMP/status.c" 200
expect_status 0
"$TMP/status" 201
[ $? -eq 201 ] || fail "the appliance of status.c did not return its argument"
printf '#include <signal.h>\nint main(void) { raise(SIGSEGV); return 0; }\n' >"$TMP/killed.c"
run ./bareflow export -o "$TMP/killed" "$TMP/killed.c"
expect_status 139
expect_output "the training run failed"
[ ! -e "$TMP/killed" ] || fail "a failed export wrote its output"
run ./bareflow export --cache "$TMP/c" "tests/jit/learn/scale.c"
expect_status 2
expect_output "goes with --from-cache"

# long work on a terminal: each step said; --quiet: nothing but errors
script -qec "./bareflow export -o '$TMP/scale4' tests/jit/learn/scale.c 512 200" /dev/null \
	>"$OUT" 2>&1 </dev/null
grep -q "export \[1/3\]: the training run" "$OUT" && grep -q "export \[3/3\]: linking" "$OUT" ||
	fail "no steps on a terminal: $(cat "$OUT")"
./bareflow export --quiet -o "$TMP/scale5" tests/jit/learn/scale.c 512 200 >"$OUT" 2>&1
[ $? -eq 0 ] && [ ! -s "$OUT" ] && [ -x "$TMP/scale5" ] || fail "--quiet: $(cat "$OUT")"

# --iso: the kernel and the appliance on a bootable ISO
run ./bareflow export --iso -o "$TMP/scale3" "tests/jit/learn/scale.c" 512 2000
expect_status 0
expect_output "wrote $TMP/scale3.iso"
[ "$(dd if="$TMP/scale3.iso" bs=1 skip=32769 count=5 2>/dev/null)" = CD001 ] ||
	fail "$TMP/scale3.iso is not an ISO 9660 image"
echo ok
