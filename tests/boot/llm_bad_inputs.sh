# Bad input to apps/llm: each damaged checkpoint or tokenizer, and each bad
# command line, gets its own clear message on stderr, nothing on stdout and
# exit status 1, never a crash. The files are a synthetic model
# (bench/llmgen.c) damaged with dd. Natively, and a few under `bareflow run`.
. tests/boot/common.inc
. tests/boot/llm.inc
tiny_model "$TMP"
m=$TMP/model.bin
q=$TMP/model.q80.bin
z=$TMP/tokenizer.bin

# poke FILE OFFSET OCTAL-BYTES: overwrite bytes in place.
poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

head -c 5000 "$m" >"$TMP/truncated.bin"
head -c 20 "$m" >"$TMP/short.bin"
: >"$TMP/empty.bin"
{ printf 'GGUF'; head -c 2000 /dev/zero; } >"$TMP/gguf.bin"
cp "$q" "$TMP/v3.bin" && poke "$TMP/v3.bin" 4 '\003'
cp "$m" "$TMP/extra.bin" && printf 'junk' >>"$TMP/extra.bin"
cp "$m" "$TMP/dim.bin" && poke "$TMP/dim.bin" 0 '\060' # dim 64 -> 48
cp "$m" "$TMP/heads.bin" && poke "$TMP/heads.bin" 16 '\003' # 3 kv heads for 4 heads
cp "$m" "$TMP/nan.bin" && poke "$TMP/nan.bin" 4000 '\377\377\377\177\377\377\377\177'
cp "$q" "$TMP/qnan.bin" && poke "$TMP/qnan.bin" 256 '\000\000\300\177' # a norm weight
cp "$q" "$TMP/group.bin" && poke "$TMP/group.bin" 37 '\007' # group size 7
head -c 3000 "$z" >"$TMP/tok_truncated.bin"
printf '\377\377\377\377' >"$TMP/tok_header.bin"
cp "$z" "$TMP/tok_len.bin" && poke "$TMP/tok_len.bin" 8 '\377\377\377\177' # token 0's length
cp "$z" "$TMP/tok_score.bin" && poke "$TMP/tok_score.bin" 4 '\000\000\200\177' # an infinite score

failures=0
# expect WHERE MESSAGE ARGS...: llm ARGS exits 1 with MESSAGE on stderr.
expect() {
	where=$1 msg=$2
	shift 2
	if [ "$where" = run ]; then
		./bareflow run --timeout 60 --file "$TMP" "$bin" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	else
		"$bin" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	fi
	st=$?
	if [ "$st" -ne 1 ] || ! grep -q -- "$msg" "$TMP/err" || [ -s "$TMP/out" ]; then
		echo "FAILED ($where): llm $*: expected status 1 and '$msg', got $st:"
		sed 's/^/    /' "$TMP/err" "$TMP/out" | head -5
		failures=$((failures + 1))
	else
		echo "ok ($where): $(head -n 1 "$TMP/err")"
	fi
}

for where in native run; do
	expect $where "truncated, or not a checkpoint" "$TMP/truncated.bin" -z "$z"
	expect $where "NaN or infinite" "$TMP/nan.bin" -z "$z"
	expect $where "tokenizer.*truncated at token" "$m" -z "$TMP/tok_truncated.bin"
done
expect native "too short for a checkpoint header" "$TMP/short.bin" -z "$z"
expect native "too short for a checkpoint header" "$TMP/empty.bin" -z "$z"
expect native 'starts with "GGUF"' "$TMP/gguf.bin" -z "$z"
expect native "version 3 is not supported" "$TMP/v3.bin" -z "$z"
expect native "extra bytes at the end" "$TMP/extra.bin" -z "$z"
expect native "describes" "$TMP/dim.bin" -z "$z"
expect native "bad n_kv_heads" "$TMP/heads.bin" -z "$z"
expect native "NaN or infinite" "$TMP/qnan.bin" -z "$z"
expect native "group size 7 does not divide" "$TMP/group.bin" -z "$z"
expect native "cannot open checkpoint" "$TMP/missing.bin" -z "$z"
expect native "not a regular file" "$TMP" -z "$z"
expect native "implausible longest piece" "$m" -z "$TMP/tok_header.bin"
expect native "piece length outside" "$m" -z "$TMP/tok_len.bin"
expect native "not a finite number" "$m" -z "$TMP/tok_score.bin"
expect native "cannot open tokenizer" "$m" -z "$TMP/missing-tokenizer.bin"
mkdir "$TMP/alone" && cp "$m" "$TMP/alone/"
expect native "cannot open tokenizer $TMP/alone/tokenizer.bin" "$TMP/alone/model.bin"
expect native "unknown option" "$m" -z "$z" -q 1
expect native "option needs a value" "$m" -z "$z" -n
expect native "bad value for -t" "$m" -z "$z" -t hot
expect native "bad value for -t" "$m" -z "$z" -t inf
expect native "bad value for -t" "$m" -z "$z" -t 1e-30
expect native "bad value for -n" "$m" -z "$z" -n -3
[ "$failures" -eq 0 ] || exit 1
# and the undamaged files work
"$bin" "$m" -z "$z" -t 0 -n 8 >/dev/null 2>&1 || fail "the undamaged model failed"
"$bin" "$q" -z "$z" -t 0 -n 8 >/dev/null 2>&1 || fail "the undamaged int8 model failed"
