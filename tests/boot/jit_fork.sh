# fork under the JIT (runtime/fork.c). Hosted, the child is a copy of the
# process with the forking thread alone, no compiler thread: it must run
# its own hot functions in the code it has (its probes ask for nothing),
# exit with its status, and write no report (the parent's --report is the
# one); vfork is fork, and its child execs. tests/jit/fork/fork.c's output
# must equal the clang build's, the child's included. Bare-metal the
# kernel makes no new process: fork and vfork fail with ENOSYS, as for the
# clang build under `bareflow run`. Before, a program naming fork did not
# start (exit 127).
. tests/boot/common.inc
src=tests/jit/fork/fork.c
clang-19 -O2 -o "$TMP/native" "$src" || fail "clang failed"
"$TMP/native" >"$TMP/want" || fail "the clang build failed"
grep -q "^child exited with 3$" "$TMP/want" || fail "the clang build's child did not exit with 3"
run sh -c "./bareflow jit --hosted --cache off --report --log-tiers $src >$TMP/got 2>$TMP/err"
expect_status 0
cmp -s "$TMP/want" "$TMP/got" || fail "hosted output differs: $(diff "$TMP/want" "$TMP/got" | head -5)"
n=$(grep -c "^bareflow-rt report" "$TMP/err")
[ "$n" -eq 1 ] || fail "expected one report (the parent's), found $n: $(head -5 "$TMP/err")"
! grep -q "cannot compile\|does not verify" "$TMP/err" || fail "$(cat "$TMP/err")"

clang-19 -O2 -static -o "$TMP/static" "$src" || fail "clang -static failed"
run ./bareflow run "$TMP/static" 100000
expect_status 0
grep -v "^bareflow:" "$OUT" >"$TMP/want"
grep -q "^fork failed: Function not implemented$" "$TMP/want" || fail "expected fork to fail bare-metal"
run ./bareflow jit --cache off "$src" -- 100000
expect_status 0
grep -v "^bareflow" "$OUT" >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" || fail "bare-metal output differs: $(diff "$TMP/want" "$TMP/got" | head -5)"
echo ok
