# jit --hosted --perf-map writes /tmp/perf-PID.map (PID: the runtime's,
# which tests/jit/see/versions.c prints): every line START SIZE NAME with
# START and SIZE in hex, no two ranges overlapping, each function's tier-0
# code listed, and every version in the --profile JSON listed with a range
# that contains its code address and a name saying its function and tier.
. tests/boot/common.inc

./bareflow jit --hosted --perf-map --thresholds 200,2000,5000,15000 --profile "$TMP/p.json" \
	tests/jit/see/versions.c >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
pid=$(sed -n 's/^pid //p' "$TMP/out")
map=/tmp/perf-$pid.map
[ -n "$pid" ] && [ -f "$map" ] || fail "no perf map /tmp/perf-$pid.map"
mv "$map" "$TMP/map"
cat "$TMP/map"

# decimal start, end and the name, sorted by start
while read -r start size name; do
	case $start$size in *[!0-9a-f]*) fail "bad line: $start $size $name" ;; esac
	[ -n "$name" ] || fail "a line without a name: $start $size"
	[ $((0x$size)) -gt 0 ] || fail "empty range: $start $size $name"
	echo "$((0x$start)) $((0x$start + 0x$size)) $name"
done <"$TMP/map" | sort -n >"$TMP/ranges"
awk 'NR > 1 && $1 < end { print "overlap: " prev " and " $0; bad = 1 }
	{ end = $2; prev = $0 } END { exit bad }' "$TMP/ranges" || fail "ranges overlap"

for f in scale mix main; do
	grep -q " $f \[tier 0\]$" "$TMP/ranges" || fail "no tier-0 code for $f"
done

# NAME TIER CODE for each version in the profile
awk '/\{"name": /{ split($0, a, "\""); name = a[4] }
	/"tier": [12], "opt"/ { t = $0; sub(/.*"tier": /, "", t); sub(/,.*/, "", t)
		c = $0; sub(/.*"code": "/, "", c); sub(/".*/, "", c)
		o = ($0 ~ /"osr_block": null/) ? "" : "OSR"; print name, t, c, o }' \
	"$TMP/p.json" >"$TMP/versions"
[ "$(wc -l <"$TMP/versions")" -ge 4 ] || fail "expected 4 or more versions: $(cat "$TMP/versions")"
while read -r name tier code osr; do
	addr=$((code))
	line=$(awk -v a="$addr" '$1 <= a && a < $2' "$TMP/ranges")
	[ -n "$line" ] || fail "$name's tier-$tier code at $code is in no range"
	[ -n "$osr" ] && want="$name [OSR" || want="$name [tier $tier"
	case $line in *" $want"*) ;; *) fail "$name's tier-$tier code at $code is in: $line" ;; esac
	echo "ok $name tier $tier at $code: $line"
done <"$TMP/versions"
grep -q "scale \[tier 2, arg0=0x[0-9a-f]*, arg1=64, arg2=5\]" "$TMP/ranges" ||
	fail "scale's specialization is not named"

run ./bareflow jit --perf-map tests/jit/see/versions.c
expect_status 2
expect_output "only with --hosted"
