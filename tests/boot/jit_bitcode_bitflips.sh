# LLVM 19's bitcode reader crashed (SIGSEGV, exit 139) on bitcode with one
# flipped bit, hosted and bare-metal. Now the runtime reads .bc inputs on the
# host first (`bareflow-rt --check`, which `bareflow jit` runs before it
# boots or runs anything), and a crash there is bad bitcode: 126 with a
# message. Each of FLIPS seeded one-bit flips of a real .bc (default 300;
# `make fuzz` runs more) must check as 0 or as 126 with the message, never
# anything else; a file that checks as 0 and disassembles as the original
# must also run as the original does (the first 20 such are run).
. tests/boot/common.inc
FLIPS=${FLIPS:-300}
SEED=${SEED:-1}
rt=build/runtime/bareflow-rt
clang-19 -O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0 \
	-o "$TMP/prog.bc" tests/jit/structs.c || fail "clang failed"
llvm-dis-19 -o - "$TMP/prog.bc" | sed 1d >"$TMP/want.ll" || fail "llvm-dis failed"
./bareflow jit --hosted "$TMP/prog.bc" >"$TMP/want.out" 2>&1
want_status=$?
size=$(wc -c <"$TMP/prog.bc")

# flip OFFSET BIT: $TMP/f.bc is prog.bc with that bit inverted.
flip() {
	cp "$TMP/prog.bc" "$TMP/f.bc"
	byte=$(od -An -tu1 -j "$1" -N1 "$TMP/prog.bc" | tr -d ' ')
	printf "$(printf '\\%03o' $((byte ^ (1 << $2))))" |
		dd of="$TMP/f.bc" bs=1 seek="$1" conv=notrunc 2>/dev/null
}

# next_flip: the next seeded flip ($off, $bit) in $TMP/f.bc, checked.
next_flip() {
	i=$((i + 1))
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	off=$((seed % size)) bit=$((seed / 65536 % 8))
	flip "$off" "$bit"
	run "$rt" --check "$TMP/f.bc"
}

seed=$SEED bad=0 same=0 changed=0 crashes=0 crashed=""
i=0
while [ "$i" -lt "$FLIPS" ]; do
	next_flip
	case $STATUS in
	126)
		expect_output "^bareflow-rt: $TMP/f.bc: not valid LLVM bitcode ("
		bad=$((bad + 1))
		grep -q "reader crashed" "$OUT" && crashes=$((crashes + 1)) &&
			[ -z "$crashed" ] && crashed=$off:$bit
		;;
	0)
		# (llvm-dis reads lazily, and itself crashes on some files we accept)
		if llvm-dis-19 -o - "$TMP/f.bc" 2>/dev/null | sed 1d | cmp -s - "$TMP/want.ll"; then
			same=$((same + 1))
			[ "$same" -gt 20 ] && continue # the first 20 are enough to run
			run ./bareflow jit --hosted --timeout 60 "$TMP/f.bc"
			expect_status "$want_status"
			cmp -s "$OUT" "$TMP/want.out" || fail "flip $off:$bit: output differs"
		else
			changed=$((changed + 1)) # another valid program
		fi
		;;
	*) fail "flip $off:$bit (seed $SEED, flip $i): --check exited $STATUS" ;;
	esac
done
echo "$FLIPS flips: $bad bad bitcode ($crashes of them crashed LLVM's reader), $same unchanged," \
	"$changed other valid programs"

# Through the CLI, hosted and bare-metal (a stand-in QEMU that must not be
# started), a reader crash is 126 with our message; and the runtime run
# directly on the host says the same.
while [ -z "$crashed" ] && [ "$i" -lt $((FLIPS + 5000)) ]; do # few flips: find one
	next_flip
	grep -q "reader crashed" "$OUT" && crashed=$off:$bit
done
[ -n "$crashed" ] || fail "no flip made the reader crash: nothing tested the guard"
flip "${crashed%:*}" "${crashed#*:}"
fake_qemu
for mode in --hosted ""; do
	run ./bareflow jit $mode "$TMP/f.bc"
	expect_status 126
	expect_output "^bareflow: $TMP/f.bc: not valid LLVM bitcode (LLVM's bitcode reader crashed: SIG"
	[ ! -e "$TMP/args" ] || fail "QEMU was started for bad bitcode"
done
run "$rt" "$TMP/f.bc" -- prog
expect_status 126
expect_output "^bareflow-rt: $TMP/f.bc: not valid LLVM bitcode (LLVM's bitcode reader crashed"
# with the tier-0 helper, which reads each file beside the runtime
# (runtime/jit/helper.c): whichever reader crashes first, 126 and the
# message once (a crash on the helper's thread, its signals blocked, ended
# the process with SIGSEGV in 2 of 12 runs)
for k in 1 2 3 4 5 6 7 8 9 10; do
	BAREFLOW_RT_TIER0_HELPER=on run "$rt" "$TMP/f.bc" -- prog
	expect_status 126
	[ "$(grep -c "reader crashed" "$OUT")" -eq 1 ] || fail "run $k: the crash is not said once"
done
