# The tier-0 file: `bareflow jit` compiles tier 0 on the host
# (bareflow-rt --tier0-out) and the booted runtime links it (--tier0)
# instead of compiling tier 0 under emulation. Bare-metal, the program's
# output is the ahead-of-time build's and the runtime says where tier 0
# came from. Hosted, with the runtime alone: a file for this program is
# used; a damaged, truncated, foreign, missing or alien one is refused with
# its reason, tier 0 is compiled instead, and the output is still right.
# Bare-metal, a tier-0 file the host cannot make: the guest compiles tier
# 0, with the tiers in the guest or on the compile server.
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

# Bare-metal, through the CLI: tier 0 from the host, and said so. The
# tiers' compiles go to the host too, so the cost model starts from the
# hosted figures; compiling in the guest (--compile-on guest), its first
# measure of the machine is how much slower reading the program was there.
./bareflow jit --cache off --verbose --report --timeout 300 tests/jit/multi/main.c \
	tests/jit/multi/stats.c -- 2000 >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
same "bare-metal, tier 0 from the host"
expect_output "tier 0 compiled .* ms, on the host (the tier-0 file)"
expect_output "bareflow-rt: the program comes prepared, from "
expect_output "compiles are predicted at the hosted figures until some have been timed"
expect_no_output "tier 0 was not compiled on the host"
./bareflow jit --cache off --verbose --report --timeout 300 --compile-on guest \
	tests/jit/multi/main.c tests/jit/multi/stats.c -- 2000 >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
same "bare-metal, tier 0 from the host, the tiers compiled in the guest"
expect_output "bareflow-rt: tier 0 came from the host ("
expect_output "times as long here"
expect_output "tier 0 compiled .* ms, on the host (the tier-0 file)"

# Hosted, the runtime alone.
run "$RT" --tier0-out "$TMP/t0" $bcs
expect_status 0
[ "$(head -c 8 "$TMP/t0")" = BFTIER0 ] || fail "--tier0-out wrote no tier-0 file"
size=$(wc -c <"$TMP/t0")

# hosted WHAT FILE: run the program with --tier0 FILE; stderr in $OUT
hosted() {
	"$RT" --cache off --report --verbose --tier0 "$2" $bcs -- multi 2000 >"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	same "$1"
}
from_file() { grep -q "on the host (the tier-0 file)" "$OUT"; }

hosted "hosted, the tier-0 file" "$TMP/t0"
from_file || fail "the tier-0 file was not used: $(cat "$OUT")"
expect_output "bareflow-rt: the program comes prepared, from $TMP/t0"
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
run "$RT" --opt 3 --tier0 "$TMP/t0" $bcs -- multi
expect_status 2
expect_output "--tier0 is tier 0's code, for --opt auto"
# a path it cannot write is left as it was, and nothing beside it
mkdir "$TMP/dir"
run "$RT" --tier0-out "$TMP/dir" $bcs
expect_status 1
expect_output "cannot write $TMP/dir: Is a directory"
[ -d "$TMP/dir" ] || fail "--tier0-out removed the directory it could not write"
[ "$(ls "$TMP" | grep -c '^dir\.')" -eq 0 ] || fail "--tier0-out left a file behind: $(ls "$TMP")"

# A checksum made right over a malformed body (9 objects: more than a file
# holds), over a prepared program that is not bitcode (its signature
# spoiled), and over code that does not link (its first object's ELF magic
# spoiled): refused, each with its reason.
# reseal IN OUT HOW: OUT is IN with HOW done to its body, the checksum made
# right again
reseal() {
	python3 - "$1" "$2" "$3" <<-'END'
	import struct, sys
	data = bytearray(open(sys.argv[1], "rb").read())
	body = data[32:]
	at = 0
	for _ in range(3):  # the keys: u32 length and bytes
	    at += 4 + struct.unpack_from("<I", body, at)[0]
	at += 24 + 1  # the shape, the two times, the AVX flag
	program = at + 8
	at = program + struct.unpack_from("<Q", body, at)[0]
	if sys.argv[3] == "count":
	    struct.pack_into("<I", body, at, 9)
	elif sys.argv[3] == "program":  # "BC" 0xC0DE
	    body[program] ^= 0xff
	else:  # the first object's ELF magic
	    body[at + 4 + 8] ^= 0xff
	h = 0xcbf29ce484222325
	for b in body:
	    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
	data[32:] = body
	struct.pack_into("<Q", data, 24, h)
	open(sys.argv[2], "wb").write(data)
	END
}
reseal "$TMP/t0" "$TMP/bad" count || fail "cannot make a malformed file"
hosted "a malformed tier-0 file with a right checksum" "$TMP/bad"
expect_output "tier-0 file $TMP/bad: malformed: ignored"
expect_no_output "the program comes prepared"
from_file && fail "a malformed tier-0 file was used"
reseal "$TMP/t0" "$TMP/bad" program || fail "cannot make a file of a bad program"
hosted "a tier-0 file whose program is not bitcode" "$TMP/bad"
expect_output "tier-0 file $TMP/bad: its program cannot be read: its program is not valid bitcode"
expect_no_output "the program comes prepared"
from_file && fail "a tier-0 file whose program is not bitcode was used"
reseal "$TMP/t0" "$TMP/bad" elf || fail "cannot make a file of bad code"
hosted "a tier-0 file whose code does not link" "$TMP/bad"
expect_output "tier-0 file $TMP/bad: its code does not link"
from_file && fail "a tier-0 file whose code does not link was used"

# Another program's tier-0 file with the code cache: the bitcode files are
# read instead, and the program is the one a run without the file sees
# (the hash the refused file's check took is not counted twice): the code
# it stores is found by a plain run, and by a run that reads the program
# prepared from the right tier-0 file.
"$RT" --report --cache "$TMP/cache2" --tier0 "$TMP/other.t0" $bcs -- multi 2000 >"$TMP/out" \
	2>"$OUT" </dev/null
STATUS=$?
same "another program's tier-0 file, with the code cache"
expect_output "tier-0 compile"
"$RT" --report --cache "$TMP/cache2" $bcs -- multi 2000 >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
same "the code cache after another program's tier-0 file"
expect_output "tier 0 linked"
expect_no_output "code cache"
"$RT" --report --verbose --cache "$TMP/cache2" --tier0 "$TMP/t0" $bcs -- multi 2000 >"$TMP/out" \
	2>"$OUT" </dev/null
STATUS=$?
same "the code cache, the program prepared from the tier-0 file"
expect_output "the program comes prepared"
expect_output "tier 0 linked"
from_file && fail "the tier-0 file was used before the cache's tier 0"
[ "$(ls "$TMP/cache2" | grep -c '[.]bfc$')" -eq 1 ] ||
	fail "the runs kept more than one cache file: $(ls "$TMP/cache2")"

# With the code cache: the first run takes tier 0 from the file and stores
# it; the next takes it from the cache.
"$RT" --report --cache "$TMP/cache" --tier0 "$TMP/t0" $bcs -- multi 2000 >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
same "the tier-0 file, the cache empty"
from_file || fail "the tier-0 file was not used with an empty cache"
"$RT" --report --cache "$TMP/cache" --tier0 "$TMP/t0" $bcs -- multi 2000 >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
same "the tier-0 file, the cache filled"
from_file && fail "the tier-0 file was used before the cache's tier 0"

# Bare-metal, a program the host cannot compile for any x86-64 (an AVX2
# intrinsic in a function marked for AVX2, which the guest's CPU has): the
# guest compiles tier 0 itself, says why with --verbose, and the output is
# the one the program's comment gives. With the tiers compiled in the guest
# too (--compile-on guest), tier 0's compile is the cost model's first
# measure of the machine.
echo 1020000 >"$TMP/want"
want=0
./bareflow jit --cache off --verbose --timeout 300 --compile-on guest \
	tests/jit/cpu/avx2_intrinsic.c >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
same "bare-metal, tier 0 the host could not compile"
expect_output "bareflow: tier 0 was not compiled on the host, so the guest compiles it:"
expect_output "bareflow-rt: the tier-0 compile took"
expect_no_output "tier 0 came from the host"
# The same with the compile server (the default), which gives the guest
# the program's files: it has no tier-0 file to give, the guest says so
# and compiles tier 0 itself.
./bareflow jit --cache off --verbose --timeout 300 tests/jit/cpu/avx2_intrinsic.c \
	>"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
same "bare-metal with the compile server, tier 0 the host could not compile"
expect_output "bareflow: tier 0 was not compiled on the host, so the guest compiles it:"
expect_output "bareflow-rt: the host made no tier-0 file: tier 0 is compiled here"
expect_output "bareflow-rt: 1 of the program's files came from the host in "
expect_no_output "the program comes prepared"
