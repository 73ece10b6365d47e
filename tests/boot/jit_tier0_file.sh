# The tier-0 file: `bareflow jit` compiles tier 0 on the host
# (bareflow-rt --tier0-out) and the booted runtime links it (--tier0)
# instead of compiling tier 0 under emulation. Bare-metal, the program's
# output is the ahead-of-time build's and the runtime says where tier 0
# came from. Hosted, with the runtime alone: a file for this program is
# used; a damaged, truncated, foreign, missing or alien one is refused with
# its reason, tier 0 is compiled instead, and the output is still right.
. tests/boot/common.inc
RT=build/runtime/bareflow-rt
mkdir "$TMP/bc"
for f in tests/jit/multi/main.c tests/jit/multi/stats.c; do
	clang-19 -O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0 \
		-o "$TMP/bc/$(basename "$f" .c).bc" "$f" || fail "cannot compile $f to bitcode"
done
clang-19 -O2 -o "$TMP/aot" tests/jit/multi/main.c tests/jit/multi/stats.c -lm ||
	fail "cannot build the program ahead of time"
"$TMP/aot" 2000 >"$TMP/want" 2>/dev/null </dev/null
want=$?
bcs="$TMP/bc/main.bc $TMP/bc/stats.bc"

# same WHAT: the last run's output and status are the ahead-of-time build's
same() {
	[ "$STATUS" -eq "$want" ] || fail "$1: status $STATUS, ahead of time $want"
	cmp -s "$TMP/out" "$TMP/want" || fail "$1: the output differs: $(diff "$TMP/want" "$TMP/out")"
	echo "same     $1"
}

# Bare-metal, through the CLI: tier 0 from the host, and said so.
./bareflow jit --cache off --verbose --report --timeout 300 tests/jit/multi/main.c \
	tests/jit/multi/stats.c -- 2000 >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
same "bare-metal, tier 0 from the host"
expect_output "bareflow-rt: tier 0 came from the host ("
expect_output "times as long here"
expect_output "tier 0 compiled .* ms, on the host (the tier-0 file)"
expect_no_output "tier 0 was not compiled on the host"

# Hosted, the runtime alone.
run "$RT" --tier0-out "$TMP/t0" $bcs
expect_status 0
[ "$(head -c 8 "$TMP/t0")" = BFTIER0 ] || fail "--tier0-out wrote no tier-0 file"
size=$(wc -c <"$TMP/t0")

# hosted WHAT FILE: run the program with --tier0 FILE; stderr in $OUT
hosted() {
	"$RT" --cache off --report --tier0 "$2" $bcs -- multi 2000 >"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	same "$1"
}
from_file() { grep -q "on the host (the tier-0 file)" "$OUT"; }

hosted "hosted, the tier-0 file" "$TMP/t0"
from_file || fail "the tier-0 file was not used: $(cat "$OUT")"
expect_no_output "tier-0 file $TMP/t0"

cp "$TMP/t0" "$TMP/bad"
printf '\377' | dd of="$TMP/bad" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cmp -s "$TMP/bad" "$TMP/t0" && printf '\000' | dd of="$TMP/bad" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
hosted "a damaged tier-0 file" "$TMP/bad"
expect_output "tier-0 file $TMP/bad: damaged (its checksum does not match): ignored"
from_file && fail "a damaged tier-0 file was used"

head -c $((size - 100)) "$TMP/t0" >"$TMP/bad"
hosted "a truncated tier-0 file" "$TMP/bad"
expect_output "tier-0 file $TMP/bad: truncated or overlong: ignored"
from_file && fail "a truncated tier-0 file was used"

cp "$TMP/t0" "$TMP/bad"
printf '\011' | dd of="$TMP/bad" bs=1 seek=8 conv=notrunc 2>/dev/null
hosted "another version's tier-0 file" "$TMP/bad"
expect_output "written by another version of bareflow: ignored"
from_file && fail "another version's tier-0 file was used"

hosted "a bitcode file as the tier-0 file" "$TMP/bc/main.bc"
expect_output "tier-0 file $TMP/bc/main.bc: not a tier-0 file: ignored"
from_file && fail "a bitcode file was used as tier-0 code"

hosted "a missing tier-0 file" "$TMP/none"
expect_output "tier-0 file $TMP/none: cannot read it: No such file or directory"

# another program's: the keys say which
printf 'int main(void) { return 0; }\n' >"$TMP/other.c"
clang-19 -emit-llvm -c -o "$TMP/other.bc" "$TMP/other.c" || fail "cannot compile other.c"
run "$RT" --tier0-out "$TMP/other.t0" "$TMP/other.bc"
expect_status 0
hosted "another program's tier-0 file" "$TMP/other.t0"
expect_output "tier-0 file $TMP/other.t0: made for another program ("
from_file && fail "another program's tier-0 code was used"

# where it cannot be written: the reason, and a failure
run "$RT" --tier0-out "$TMP/no/such/dir/t0" $bcs
expect_status 1
expect_output "cannot write $TMP/no/such/dir/t0: No such file or directory"
run "$RT" --tier0
expect_status 2
expect_output "an option needs a value"
