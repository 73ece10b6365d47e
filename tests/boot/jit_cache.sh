# The code cache, hosted: a second run of a program starts from the code
# and profile the first stored (tier 0 and its specialized -O3 code from
# the cache, nothing compiled); other arguments that miss the guards, a
# changed program, a foreign CPU (faked with the runtime's test-only
# BAREFLOW_RT_TEST_CPU), a damaged, truncated, foreign-version or alien
# file, an unwritable or full place, --cache-clear, and two runs at once
# all give the ahead-of-time build's output and status, with the
# documented warning where there is one.
. tests/boot/common.inc
cp tests/jit/learn/scale.c "$TMP/prog.c"
clang-19 -O2 -o "$TMP/aot" "$TMP/prog.c" || fail "cannot build the program"
C=$TMP/cache

# jit WHAT ARGS...: run the program hosted with the cache in $C (and
# $JIT_OPTS); stdout and status must be the ahead-of-time build's. stderr
# is in $OUT. The compiles are synchronous: a compile in the background
# that has not ended by the exit is left running, its code not stored, and
# under load the next run would then find less than this test expects.
jit() {
	what=$1
	shift
	./bareflow jit --hosted --compile-threads 0 --cache "$C" --log-tiers $JIT_OPTS \
		"$TMP/prog.c" -- "$@" \
		>"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	"$TMP/aot" "$@" >"$TMP/want" 2>/dev/null
	want=$?
	[ "$STATUS" -eq "$want" ] || fail "$what: status $STATUS, ahead of time $want"
	cmp -s "$TMP/out" "$TMP/want" || fail "$what: output $(cat "$TMP/out"), not $(cat "$TMP/want")"
}
cached() { grep -q "from the code cache" "$OUT"; }

jit "cold run"
cached && fail "the first run used a cache"
expect_output "tier-up scale"
[ "$(ls "$C"/*.bfc | wc -l)" -eq 1 ] || fail "no cache file: $(ls -la "$C")"
file=$(ls "$C"/*.bfc)

JIT_OPTS="--profile $TMP/p.json" jit "warm run"
expect_output "cached scale: tier 2 (-O3, specialized: arg1=512, arg2=3) from the code cache"
expect_no_output "tier-up"
grep -q '"cached": true' "$TMP/p.json" || fail "the profile does not say the code was cached"

jit "warm run, other arguments" 300 40000
cached || fail "the cache was not used with other arguments"

cp "$file" "$TMP/good"
# damaged, truncated, another version, not a cache file at all
size=$(wc -c <"$file")
printf '\377' | dd of="$file" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cmp -s "$file" "$TMP/good" && printf '\000' | dd of="$file" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
jit "damaged file"
expect_output "damaged (its checksum does not match): ignored"
cached && fail "a damaged file was used"
head -c $((size - 100)) "$TMP/good" >"$file"
jit "truncated file"
expect_output "truncated or overlong: ignored"
cp "$TMP/good" "$file"
printf '\011' | dd of="$file" bs=1 seek=8 conv=notrunc 2>/dev/null
jit "another version's file"
expect_output "written by another version of bareflow: ignored"
head -c 5000 /dev/urandom >"$file"
jit "random bytes"
expect_output "not a code cache file: ignored"
cp "$TMP/good" "$file"

# another CPU: a file of its own, and that file put in this CPU's place is
# refused
JIT_OPTS="--env BAREFLOW_RT_TEST_CPU=imaginary-cpu" jit "another CPU"
cached && fail "another CPU's code was used"
[ "$(ls "$C"/*.bfc | wc -l)" -eq 2 ] || fail "another CPU has no file of its own"
foreign=$(ls -t "$C"/*.bfc | head -n 1)
cp "$foreign" "$file"
jit "another CPU's file in this CPU's place"
expect_output "made for another CPU (imaginary-cpu)"
cached && fail "another CPU's code was used"
jit "this CPU's file again"
cached || fail "this CPU's file was not used"
rm -f "$foreign"

# a file whose checksum is right but whose code this JIT could not have
# made (an entry renamed): refused; one that others may write: refused
cp "$file" "$TMP/good"
cat >"$TMP/rename.c" <<'END'
/* Rename a version entry ".bf2g.v" to ".bf1g.v", the first one in the file
 * (in an object's symbols) or with "last" the last one (the record's), and
 * fix the checksum (FNV-1a of the body from byte 32, stored at 24). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	static unsigned char b[1 << 24];
	FILE *f = fopen(argv[1], "r+b");
	size_t n = f ? fread(b, 1, sizeof b, f) : 0;
	unsigned char *p = NULL, *q = b;
	while ((q = memmem(q, n - (size_t)(q - b), ".bf2g.v", 7))) {
		p = q++;
		if (argc < 3)
			break;
	}
	if (!p)
		return 1;
	p[3] = '1';
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t k = 32; k < n; k++)
		h = (h ^ b[k]) * 0x100000001b3ull;
	memcpy(b + 24, &h, 8);
	rewind(f);
	return fwrite(b, 1, n, f) != n || fclose(f);
}
END
clang-19 -D_GNU_SOURCE -o "$TMP/rename" "$TMP/rename.c" || fail "cannot build the helper"
"$TMP/rename" "$file" last || fail "no version entry in the cache file"
jit "a version under a name it could not have"
expect_output "holds code this program's JIT could not have made: ignored"
cached && fail "an impossible entry was used"
cp "$TMP/good" "$file"
"$TMP/rename" "$file" || fail "no version symbol in the cache file"
jit "code that does not link"
expect_output "its code does not link: .*: removed"
cached && fail "code that does not link was used"
jit "stored again after that"
cached || fail "no new file after code that did not link"
cp "$TMP/good" "$file"
chmod 0666 "$file"
jit "a file others may write"
expect_output "not a regular file of this user's that only it may write: ignored"
cached && fail "a file others may write was used"
chmod 0600 "$file"

# the program changed: another file, a cold run
sed 's/(i \& 7)/(i \& 5)/' "$TMP/prog.c" >"$TMP/prog2.c" && mv "$TMP/prog2.c" "$TMP/prog.c"
clang-19 -O2 -o "$TMP/aot" "$TMP/prog.c" || fail "cannot build the changed program"
jit "changed program"
cached && fail "a changed program used the old code"
[ "$(ls "$C"/*.bfc | wc -l)" -eq 2 ] || fail "the changed program has no file of its own"

# --cache-clear: cold again
JIT_OPTS=--cache-clear jit "--cache-clear"
cached && fail "--cache-clear did not clear"
[ "$(ls "$C"/*.bfc | wc -l)" -eq 1 ] || fail "--cache-clear left $(ls "$C")"

# nowhere to write: a warning, the same output
: >"$TMP/plain"
C=$TMP/plain/sub jit "unwritable place"
expect_output "cannot store the code: Not a directory"
# a full disk, where a small filesystem can be mounted (root with mount
# namespaces; said when not)
if unshare -m true 2>/dev/null; then
	mkdir -p "$TMP/small"
	./bareflow jit --hosted --cache off "$TMP/prog.c" >/dev/null 2>&1 # warm up the clang cache
	unshare -m sh -c "mount -t tmpfs -o size=12k tmpfs '$TMP/small' &&
		head -c 8192 /dev/zero >'$TMP/small/filler' 2>/dev/null;
		./bareflow jit --hosted --cache '$TMP/small' '$TMP/prog.c' >'$TMP/out' 2>'$OUT'"
	STATUS=$?
	"$TMP/aot" >"$TMP/want"
	[ "$STATUS" -eq $? ] && cmp -s "$TMP/out" "$TMP/want" || fail "full disk: a different result"
	expect_output "cannot store the code: No space left on device"
else
	echo "note: no mount namespace here; the full-disk case was not run"
fi

# A version that a batch member calls directly after its guard gave way to
# generic code (the language model's tokenizer sorts with two comparators):
# its misses must reach code in the next run too, where they called address
# 0. Three runs of apps/llm on a 32,000-token synthetic model agree.
clang-19 -std=c11 -O2 -o "$TMP/llmgen" bench/llmgen.c -lm || fail "cannot build llmgen"
mkdir -p "$TMP/s15" && "$TMP/llmgen" stories15M "$TMP/s15" >/dev/null || fail "llmgen failed"
for k in 1 2 3; do
	./bareflow jit --hosted --cache "$TMP/llmcache" apps/llm/*.c -- "$TMP/s15/model.bin" \
		-t 0 -n 8 >"$TMP/llm.$k" 2>"$OUT" </dev/null
	STATUS=$?
	expect_status 0
	cmp -s "$TMP/llm.1" "$TMP/llm.$k" || fail "run $k of the language model wrote something else"
done

# two runs at once on one cache: both right, and the file whole after
C=$TMP/cache2
./bareflow jit --hosted --compile-threads 0 --cache "$C" "$TMP/prog.c" >"$TMP/a.out" \
	2>"$TMP/a.err" &
./bareflow jit --hosted --compile-threads 0 --cache "$C" "$TMP/prog.c" >"$TMP/b.out" \
	2>"$TMP/b.err"
wait $!
"$TMP/aot" >"$TMP/want"
cmp -s "$TMP/a.out" "$TMP/want" && cmp -s "$TMP/b.out" "$TMP/want" ||
	fail "concurrent runs: $(cat "$TMP/a.err" "$TMP/b.err")"
jit "after concurrent runs"
cached || fail "the file two runs wrote at once was not used"
expect_no_output "ignored"
[ -z "$(ls -A "$C" | grep -v '\.bfc$' | grep -vx frontend)" ] ||
	fail "temporary files left: $(ls -A "$C")"
[ -z "$(ls -A "$C/frontend" | grep -v '^[0-9a-f]*$')" ] ||
	fail "temporary files left: $(ls -A "$C/frontend")"
echo "ok"
