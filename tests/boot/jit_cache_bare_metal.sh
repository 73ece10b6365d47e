# The code cache bare-metal: it lives on a FAT disk image of its own
# (bare-metal.img in the cache directory, made on first use, or --cache
# IMG), which the guest mounts at /bareflow-cache. A second run starts from
# the code the first stored there (mtools and fsck.fat see the file and a
# clean filesystem); an image another run holds, or one that is not FAT,
# means a run without the cache and a warning, never a refusal; every run's
# output and status are the clang build's.
. tests/boot/common.inc
clang-19 -O2 -o "$TMP/aot" tests/jit/learn/scale.c || fail "cannot build the program"
"$TMP/aot" 512 20000 >"$TMP/want"
want=$?

# jit WHAT OPTIONS...: a bare-metal run; stdout and status as the clang build's.
jit() {
	what=$1
	shift
	./bareflow jit --timeout 300 --log-tiers "$@" tests/jit/learn/scale.c 512 20000 \
		>"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	[ "$STATUS" -eq "$want" ] || fail "$what: status $STATUS, not $want"
	cmp -s "$TMP/out" "$TMP/want" || fail "$what: output $(cat "$TMP/out")"
}
cached() { grep -q "from the code cache" "$OUT"; }

jit "cold, the default place"
img=$XDG_CACHE_HOME/bareflow/bare-metal.img
[ -f "$img" ] || fail "no $img"
cached && fail "the first run used a cache"
expect_output "stored [1-9][0-9]* functions"
mdir -i "$img" ::/ | grep -q "adaptive-.*\.bfc" || fail "no cache file on the disk: $(mdir -i "$img" ::/)"
fsck.fat -n "$img" >"$TMP/fsck" 2>&1 || fail "fsck.fat: $(cat "$TMP/fsck")"

jit "warm"
cached || fail "the second run did not start from the cache"
expect_no_output "tier-up"

# held by another run: without it, and said so
flock "$img" sh -c "./bareflow jit --timeout 300 --log-tiers tests/jit/learn/scale.c 512 20000 \
	>'$TMP/out' 2>'$OUT' </dev/null"
STATUS=$?
[ "$STATUS" -eq "$want" ] && cmp -s "$TMP/out" "$TMP/want" || fail "locked: a different result"
expect_output "is in use by another run: this run goes without it"
cached && fail "a locked cache was used"

# --cache IMG: not a FAT image: a warning, a run without the cache
head -c 1048576 /dev/urandom >"$TMP/junk.img"
jit "junk image" --cache "$TMP/junk.img"
expect_output "the code cache's disk cannot be used"
cached && fail "a junk image was used"
# --cache IMG made on first use; --cache-clear empties it
jit "own image" --cache "$TMP/own.img"
[ -f "$TMP/own.img" ] || fail "--cache IMG was not made"
jit "own image, warm" --cache "$TMP/own.img"
cached || fail "--cache IMG was not used the second time"
jit "--cache-clear" --cache "$TMP/own.img" --cache-clear
cached && fail "--cache-clear did not clear the disk"
# --cache off: no disk at all
jit "--cache off" --cache off
cached && fail "--cache off used a cache"
run ./bareflow jit --cache "$TMP" tests/jit/learn/scale.c
expect_status 2
expect_output "the code cache is a disk image file"
echo ok
