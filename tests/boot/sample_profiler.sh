# --sample: the kernel samples the program from the timer interrupt, bare-
# metal under TCG. tests/see/hot.c spends about 90% of its time in hot():
# the folded stacks must give hot 80-100% of the samples, with its full
# stack (frame pointers); the flame graph must parse as XML and carry the
# same total; a program in system calls shows kernel frames; a JIT run
# names JIT code by tier; on two CPUs, both threads' functions are found.
. tests/boot/common.inc
command -v python3 >/dev/null || fail "python3 is missing: run 'make setup'"
clang-19 -static -O1 -fno-omit-frame-pointer -o "$TMP/hot" tests/see/hot.c || fail "clang failed"
"$TMP/hot" >"$TMP/native" || fail "native run failed"

# samples FOLDED [FUNCTION]: the samples of the folded stacks, in all or
# with FUNCTION as the leaf.
samples() {
	awk -v f="$2" 'f == "" || $1 ~ ("(^|;)" f "$") { n += $NF } END { print n + 0 }' "$1"
}

# sampled FOLDED OUT_FILE NATIVE ARGS...: `bareflow run --sample-out FOLDED
# ARGS` (stdout to OUT_FILE, stderr to $OUT) must exit 0 with the native
# run's stdout.
sampled() {
	folded=$1 out=$2 native=$3
	shift 3
	./bareflow run --timeout 300 --sample-out "$folded" "$@" >"$out" 2>"$OUT" </dev/null
	STATUS=$?
	expect_status 0
	cmp -s "$out" "$native" || fail "$*: output differs from the native run's"
}

sampled "$TMP/s.folded" "$TMP/out" "$TMP/native" --flamegraph "$TMP/s.svg" "$TMP/hot"
total=$(samples "$TMP/s.folded")
hot=$(samples "$TMP/s.folded" hot)
echo "hot: $hot of $total samples"
[ "$total" -ge 100 ] || fail "only $total samples"
[ $((hot * 100)) -ge $((total * 80)) ] || fail "hot has $hot of $total samples: $(cat "$TMP/s.folded")"
grep -q "^__libc_start_call_main;main;hot [0-9]*$" "$TMP/s.folded" || fail "no full stack for hot"
python3 - "$TMP/s.svg" "$total" <<'END' || fail "the flame graph is wrong"
import sys, xml.dom.minidom
svg = xml.dom.minidom.parse(sys.argv[1]).documentElement
assert svg.tagName == "svg" and svg.getAttribute("data-total") == sys.argv[2], "total"
frames = svg.getElementsByTagName("g")
named = lambda n: [g for g in frames if g.getAttribute("data-n") == n]
assert named("all")[0].getAttribute("data-w") == sys.argv[2], "the root frame"
hot = max(named("hot"), key=lambda g: int(g.getAttribute("data-w")))
assert int(hot.getAttribute("data-d")) == 3, "hot's depth (all;__libc_start_call_main;main;hot)"
assert "samples" in hot.getElementsByTagName("title")[0].firstChild.data
assert svg.getElementsByTagName("script"), "no script"
print("flame graph: %d frames" % len(frames))
END

# --sample alone: the functions with the most samples, on stderr
run ./bareflow run --timeout 300 --sample=499 "$TMP/hot" 300000
expect_status 0
expect_output "samples at 499 Hz"
sed -n '/samples at 499 Hz/{n;p}' "$OUT" | grep -q " hot$" || fail "hot is not first"

# kernel time: a program making system calls
./bareflow run --timeout 300 --sample-out "$TMP/k.folded" "$TMP/hot" 200000 sys \
	>/dev/null 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
grep -q ";\[kernel\] sys_getppid [0-9]*$" "$TMP/k.folded" || fail "no kernel frames: $(cat "$TMP/k.folded")"

# JIT code by its tier
./bareflow jit --timeout 300 --sample-out "$TMP/j.folded" tests/see/hot.c >/dev/null 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
grep -q "hot \[tier [0-9][^;]*\] [0-9]*$\|main \[OSR[^;]*\] [0-9]*$" "$TMP/j.folded" ||
	fail "no JIT frames: $(cat "$TMP/j.folded")"

# two CPUs: each samples the thread it runs (tests/see/two_cpus.c pins
# one spinning thread to each; each must have a twentieth of the samples
# or more: the vCPUs run at the speeds the host gives them, and a busy
# host with as many cores can starve one for a while)
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
	clang-19 -static -O1 -fno-omit-frame-pointer -o "$TMP/two" tests/see/two_cpus.c ||
		fail "clang failed"
	"$TMP/two" >"$TMP/two.native" || fail "native run failed"
	sampled "$TMP/c.folded" "$TMP/two.out" "$TMP/two.native" --cpus 2 "$TMP/two"
	total=$(samples "$TMP/c.folded")
	a=$(samples "$TMP/c.folded" spin_a)
	b=$(samples "$TMP/c.folded" spin_b)
	echo "two CPUs: spin_a $a, spin_b $b of $total samples"
	[ $((a * 100)) -ge $((total * 5)) ] && [ $((b * 100)) -ge $((total * 5)) ] ||
		fail "two_cpus: spin_a $a and spin_b $b of $total samples: $(cat "$TMP/c.folded")"
else
	echo "skipped two CPUs: this host has one"
fi

run ./bareflow run --sample=50 "$TMP/hot"
expect_status 2
expect_output "bad --sample rate '50'"
run ./bareflow jit --hosted --sample tests/see/hot.c
expect_status 2
expect_output "needs a boot"
