# --profile FILE and --report, bare-metal and hosted: FILE is JSON that names
# the CPU and its features (bare-metal, under QEMU's emulation, with the AVX
# family off, which QEMU runs slowly; tests/boot/jit_tcg_no_avx.sh) and
# the timings; --report's table goes to stderr and names the same CPU, and
# neither changes the program's stdout or exit status.
. tests/boot/common.inc
prog=tests/jit/globals.c # exits 123

# valid_json FILE: python3's parser accepts it, or (without python3) it is
# one object whose keys include those we need.
valid_json() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -m json.tool "$1" >/dev/null || fail "$1 is not valid JSON: $(cat "$1")"
	else
		head -c 1 "$1" | grep -q '{' || fail "$1 is not a JSON object: $(cat "$1")"
	fi
	for key in cpu name features opt startup_us compile_us compile_ms_total functions; do
		grep -q "\"$key\": " "$1" || fail "$1 lacks \"$key\": $(cat "$1")"
	done
}

# json_string FILE KEY: the value of a string member (no escapes in it).
json_string() { sed -n "s/^ *\"$2\": \"\\([^\"]*\\)\".*/\\1/p" "$1"; }

for mode in bare-metal hosted; do
	flag=
	[ $mode = hosted ] && flag=--hosted
	./bareflow jit $flag --timeout 60 "$prog" >"$TMP/plain.out" 2>/dev/null </dev/null
	printf 'stale' >"$TMP/$mode.json"
	./bareflow jit $flag --timeout 60 --profile "$TMP/$mode.json" --report "$prog" \
		>"$TMP/out" 2>"$TMP/err" </dev/null
	STATUS=$?
	cp "$TMP/err" "$OUT"
	expect_status 123
	cmp -s "$TMP/plain.out" "$TMP/out" || fail "$mode: --profile/--report changed stdout"
	valid_json "$TMP/$mode.json"
	cpu=$(json_string "$TMP/$mode.json" name)
	[ -n "$cpu" ] || fail "$mode: no CPU name in $(cat "$TMP/$mode.json")"
	expect_output "$cpu" # the report names it too
	features=$(json_string "$TMP/$mode.json" features)
	case ",$features," in *,+sse2,*) ;; *) fail "$mode: features without +sse2: $features" ;; esac
	echo "$mode: cpu $cpu"
done
features=$(json_string "$TMP/bare-metal.json" features)
case ",$features," in
*,-avx2,*) ;;
*) fail "bare-metal under QEMU's emulation: avx2 not off in the features: $features" ;;
esac
