# The int8 path (apps/llm): a small synthetic model (bench/llmgen.c: dim 64,
# 2 layers, 4 query heads sharing 2 key/value heads, its own classifier) in
# fp32 and as its int8 "version 2" export. With a prompt longer than the run
# both read the same tokens, so every position's logits are comparable: at
# each, the int8 logits must be within 5% of the largest fp32 logit's
# magnitude (measured: 1.3% to 2.4%); the logits of another model (the same
# shape, other weights) must not be, so the check can fail. Runs the static
# build natively and under `bareflow run`.
. tests/boot/common.inc
. tests/boot/llm.inc
tiny_model "$TMP"
prompt="the cat sat on the mat and the dog ran far away"

# logits MODEL OUT [run]: each position's logits, one "logits P: ..." line each.
logits() {
	if [ "${3:-}" = run ]; then
		./bareflow run --timeout 120 --file "$TMP" "$bin" "$1" -z "$TMP/tokenizer.bin" \
			-t 0 -n 16 -i "$prompt" -v 2 >"$TMP/stdout" 2>"$2"
	else
		"$bin" "$1" -z "$TMP/tokenizer.bin" -t 0 -n 16 -i "$prompt" -v 2 >"$TMP/stdout" 2>"$2"
	fi
	STATUS=$?
	[ "$STATUS" -eq 0 ] || { cat "$2" >"$OUT"; fail "llm $1 failed"; }
	[ "$(grep -c '^logits ' "$2")" -eq 16 ] || { cat "$2" >"$OUT"; fail "expected 16 positions of logits"; }
}

# worst A B: the largest, over positions, of max |a - b| / max |a|.
worst() {
	awk 'FNR == 1 { f++ }
	/^logits / { p = $2; for (i = 3; i <= NF; i++) v[f, p, i] = $i; n[p] = NF }
	END {
		w = 0
		for (p in n) {
			m = 0; e = 0
			for (i = 3; i <= n[p]; i++) {
				a = v[1, p, i]; d = a - v[2, p, i]
				if (a < 0) a = -a
				if (d < 0) d = -d
				if (a > m) m = a
				if (d > e) e = d
			}
			if (e / m > w) w = e / m
		}
		printf "%.4f\n", w
	}' "$1" "$2"
}

logits "$TMP/model.bin" "$TMP/fp32.log"
logits "$TMP/model.q80.bin" "$TMP/q80.log"
w=$(worst "$TMP/fp32.log" "$TMP/q80.log")
echo "int8 against fp32: worst logit error $w of the largest logit"
awk -v w="$w" 'BEGIN { exit !(w <= 0.05) }' || fail "int8 logits differ by $w (> 0.05)"

# Another model's logits (another seed): the same check must reject them.
tiny_model "$TMP/other" 2
logits "$TMP/other/model.q80.bin" "$TMP/other.log"
w=$(worst "$TMP/fp32.log" "$TMP/other.log")
echo "another model against fp32: worst logit difference $w of the largest logit"
awk -v w="$w" 'BEGIN { exit !(w > 0.05) }' || fail "the check cannot tell another model apart ($w)"

# The same int8 run bare-metal: the same logits to the printed digits.
logits "$TMP/model.q80.bin" "$TMP/q80-run.log" run
grep '^logits ' "$TMP/q80.log" >"$TMP/a"
grep '^logits ' "$TMP/q80-run.log" >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || { diff "$TMP/a" "$TMP/b" | head -5 >"$OUT"; fail "bare-metal int8 logits differ from native"; }
echo "ok"
