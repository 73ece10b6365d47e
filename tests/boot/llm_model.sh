# The committed fortune model (apps/llm/model, made by apps/llm/train.py):
# 32 positions at temperature 0 from a prompt must give exactly the tokens
# that train.py's independent PyTorch forward pass over the same files
# computed (tests/llm/fortune.tokens), and stdout exactly the text they
# decode to (tests/llm/fortune.txt), in all four ways the program runs:
# natively (the static -O3 build), under `bareflow run` (the same binary,
# bare-metal), `bareflow jit --hosted` (cold: a code cache of its own, so
# that what earlier runs left in the user's cache plays no part) and
# `bareflow jit` bare-metal.
. tests/boot/common.inc
. tests/boot/llm.inc
model=apps/llm/model/model.bin
prompt=$(cat tests/llm/fortune.prompt)
expect_tokens="tokens: $(tr '\n' ' ' <tests/llm/fortune.tokens | sed 's/ $//')"
failures=0

check() {
	if [ "$STATUS" -ne 0 ]; then
		echo "FAILED ($1): exit status $STATUS"
		sed 's/^/    /' "$TMP/err" | tail -n 20
		failures=$((failures + 1))
	elif ! cmp -s tests/llm/fortune.txt "$TMP/out"; then
		echo "FAILED ($1): stdout differs from tests/llm/fortune.txt:"
		diff tests/llm/fortune.txt "$TMP/out" | sed 's/^/    /' | head -n 10
		failures=$((failures + 1))
	elif ! grep -qx -- "$expect_tokens" "$TMP/err"; then
		echo "FAILED ($1): tokens differ from tests/llm/fortune.tokens:"
		echo "    expected $expect_tokens"
		grep '^tokens:' "$TMP/err" | sed 's/^/    got      /'
		failures=$((failures + 1))
	elif ! grep -q '^achieved tok/s: [0-9]' "$TMP/err"; then
		echo "FAILED ($1): no 'achieved tok/s' line on stderr"
		failures=$((failures + 1))
	else
		echo "same tokens and text ($1)"
	fi
}

# llm MODE ARGS...: run the program one way, stdout and stderr kept apart.
llm() {
	mode=$1
	shift
	case $mode in
	native) "$bin" "$@" ;;
	run) ./bareflow run --timeout 300 --file apps/llm/model "$bin" "$@" ;;
	hosted) ./bareflow jit --hosted --cache "$TMP/cache" apps/llm/*.c -- "$@" ;;
	jit) ./bareflow jit --timeout 300 --file apps/llm/model apps/llm/*.c -- "$@" ;;
	esac >"$TMP/out" 2>"$TMP/err" </dev/null
	STATUS=$?
}

for mode in native run hosted jit; do
	llm $mode "$model" -t 0 -n 32 -i "$prompt" -v 1 # tokenizer.bin beside the model
	check $mode
done
[ "$failures" -eq 0 ]
