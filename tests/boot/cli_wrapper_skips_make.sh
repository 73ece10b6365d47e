# The ./bareflow wrapper runs make only when the build may be out of date:
# after a make that succeeded, while no file of the tree changed and the
# build's products are there, it starts the CLI at once. A copy of the
# wrapper in a made-up tree, whose Makefile counts its runs, shows when
# make ran.
. tests/boot/common.inc
r=$TMP/root
mkdir -p "$r/kernel" "$r/build"
cp bareflow "$r/bareflow"
: >"$r/kernel/main.c"
cat >"$r/Makefile" <<'END'
all:
	@echo ran >>build/make-runs
	@if [ -e build/busy ]; then echo overlap >>build/overlaps; fi
	@: >build/busy; sleep "$${MAKE_SLEEP:-0}"; rm -f build/busy
	@test ! -e fail-build
	@mkdir -p build/runtime build/apps/llm
	@: >build/runtime/bareflow-rt; chmod +x build/runtime/bareflow-rt
	@: >build/bareflow.elf; : >build/bareflow.iso
	@printf '#!/bin/sh\necho "cli ran: $$*"\n' >build/bareflow-cli; chmod +x build/bareflow-cli
END
runs() { wc -l <"$r/build/make-runs" 2>/dev/null || echo 0; }
expect_runs() { [ "$(runs)" -eq "$1" ] || fail "make ran $(runs) times, expected $1 ($2)"; }

run sh "$r/bareflow" demo
expect_status 0
expect_output "cli ran: demo"
expect_runs 1 "the first run builds"
run sh "$r/bareflow" run x
expect_output "cli ran: run x"
expect_runs 1 "nothing changed"

sleep 0.01
echo "/* edited */" >>"$r/kernel/main.c"
run sh "$r/bareflow" demo
expect_runs 2 "a source changed"
run sh "$r/bareflow" demo
expect_runs 2 "nothing changed since"

rm "$r/kernel/main.c"
run sh "$r/bareflow" demo
expect_runs 3 "a source was deleted"
: >"$r/kernel/main.c"
run sh "$r/bareflow" demo
expect_runs 4 "a source was added"

rm "$r/build/runtime/bareflow-rt"
run sh "$r/bareflow" demo
expect_runs 5 "a product was missing"
[ -x "$r/build/runtime/bareflow-rt" ] || fail "the runtime was not rebuilt"

# A failed build is never taken for an up-to-date one.
: >"$r/fail-build"
run sh "$r/bareflow" demo
expect_status 125
expect_output "the build failed"
expect_runs 6 "a new file in the tree"
rm "$r/fail-build"
run sh "$r/bareflow" demo
expect_status 0
expect_runs 7 "the last build failed"
run sh "$r/bareflow" demo
expect_runs 7 "built since"
[ -z "$(ls -A "$r/build" | grep 'up-to-date\.')" ] || fail "a stamp in the making was left behind"

# Two runs at once after an edit: their makes take turns in the one build
# tree, never overlap (where flock(1) is there: util-linux, on Debian's
# every machine).
command -v flock >/dev/null 2>&1 || { echo "ok (flock missing: makes not serialized)"; exit 0; }
sleep 0.01
echo "/* edited again */" >>"$r/kernel/main.c"
MAKE_SLEEP=1 sh "$r/bareflow" demo >"$TMP/first.out" 2>&1 &
first=$!
MAKE_SLEEP=1 run sh "$r/bareflow" demo
expect_status 0
wait $first || fail "the first of two runs at once failed: $(cat "$TMP/first.out")"
[ ! -e "$r/build/overlaps" ] || fail "two makes ran in the build tree at once"

# A run that finds another build holding the lock says what it waits for.
sleep 0.01
echo "/* edited a third time */" >>"$r/kernel/main.c"
# (the lock is let go once the run says it waits, or after 60 s)
: >"$TMP/hold"
flock "$r/build/.make.lock" sh -c "i=0; while [ -e '$TMP/hold' ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done" &
holder=$!
i=0
while flock -n "$r/build/.make.lock" true; do # until it holds the lock
	i=$((i + 1))
	[ $i -lt 600 ] || fail "the lock holder never took the lock"
	sleep 0.1
done
sh "$r/bareflow" demo >"$OUT" 2>&1 </dev/null &
waiter=$!
i=0
until grep -q "waiting for another build" "$OUT" || [ $i -ge 600 ]; do
	i=$((i + 1))
	sleep 0.1
done
rm -f "$TMP/hold"
wait $waiter
STATUS=$?
wait $holder
expect_status 0
expect_output "bareflow: waiting for another build of $r to finish"
expect_output "cli ran: demo"
