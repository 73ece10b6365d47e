# The JIT compiling in the background (--compile-threads 1): four threads
# calling the same hot function (tests/jit/threads/hot4.c) while it tiers
# up give the ahead-of-time build's output, under the adaptive and the
# fixed policy; each tier-up is asked for once, whatever the threads, and
# its log line shows the program's progress between asking and installing;
# when no thread can be made (BAREFLOW_RT_THREADS_FAIL, and bare-metal
# without kernel threads) compiling is synchronous, said in one log line;
# a synchronous compile does not hold the policy lock (probes4.c).
# Four threads counting in thread-local variables (tests/jit/threads/tls.c,
# emulated by the JIT) each get their own copies, from the initial values.
. tests/boot/common.inc
mkdir -p build/jit
bin=build/jit/threads_hot4
clang-19 -static -O1 -pthread -o "$bin" tests/jit/threads/hot4.c || fail "cannot build hot4"
"$bin" 300000 >"$TMP/aot" 2>/dev/null </dev/null || fail "hot4 fails ahead of time"

# hot4 MODE OPTIONS...: run hot4 under the JIT with --log-tiers (the log in
# $OUT); its stdout and status must be the ahead-of-time build's.
hot4() {
	what=$1
	shift
	./bareflow jit --hosted --cache off --log-tiers --timeout 300 "$@" tests/jit/threads/hot4.c -- 300000 \
		>"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	expect_status 0
	cmp -s "$TMP/out" "$TMP/aot" || fail "hot4 ($what): output differs: $(diff "$TMP/aot" "$TMP/out")"
	echo "same     hot4 ($what)"
}

# once PATTERN WHAT: exactly one log line contains PATTERN.
once() {
	n=$(grep -c -- "$1" "$OUT")
	[ "$n" -eq 1 ] || fail "$2: $n lines with '$1', expected 1"
}

# The adaptive policy: work goes to -O3 once, in the background; the
# program ran on meanwhile (installed at a later call than asked).
hot4 adaptive --compile-threads 1
once "tier-up work: tier 0 -> 2" "adaptive"
line=$(grep "tier-up work: tier 0 -> 2" "$OUT")
asked=$(echo "$line" | sed -n 's/.* asked at call \([0-9]*\) .*/\1/p')
installed=$(echo "$line" | sed -n 's/.* installed at call \([0-9]*\) .*/\1/p')
[ -n "$asked" ] && [ -n "$installed" ] && [ "$installed" -ge "$asked" ] ||
	fail "adaptive: no progress shown between asking and installing: $line"
# and the times since main: asked no later than installed, within the run
# (under 10 minutes: not a clock's reading since boot)
at=$(echo "$line" | sed -n 's/.*(asked at \([0-9]*\)\.[0-9] ms, in at \([0-9]*\)\.[0-9] ms).*/\1 \2/p')
[ -n "$at" ] && [ "${at% *}" -le "${at#* }" ] && [ "${at#* }" -lt 600000 ] ||
	fail "adaptive: no times since main, or not in order within the run: $line"
expect_output "in the background"
expect_no_output "no compiler thread"

# Fixed counts, low: tier 1 and 2 asked for once each, by four threads.
hot4 fixed --compile-threads 1 --thresholds 50,500,100,1000
once "tier-up work: tier 0 -> 1" "fixed"
n=$(grep -c "tier-up work: tier 1 -> 2" "$OUT")
[ "$n" -le 1 ] || fail "fixed: $n tier-ups of work from tier 1"
expect_output "compiled in [0-9.]* ms in the background"

# Synchronous, asked for: the same output, tier-ups as before.
hot4 synchronous --compile-threads 0
expect_no_output "in the background"
expect_no_output "no compiler thread"

# No thread can be made: synchronous, said once.
hot4 "no threads" --compile-threads 1 --env BAREFLOW_RT_THREADS_FAIL=1
once "no compiler thread" "no threads"
expect_output "compiling synchronously"
expect_no_output "in the background"
expect_output "tier-up work: tier 0 -> 2 .* from call"

# probes4 COMPILE_THREADS ROUNDS: run tests/jit/threads/probes4.c under the
# JIT, its first compile held (BAREFLOW_RT_PROBES_IN_COMPILE) until three
# probes of the other threads have run; its stdout and status must be the
# ahead-of-time build's (the log in $OUT).
clang-19 -static -O1 -pthread -o build/jit/threads_probes4 tests/jit/threads/probes4.c ||
	fail "cannot build probes4"
probes4() {
	build/jit/threads_probes4 "$2" >"$TMP/aot" 2>/dev/null </dev/null || fail "probes4 fails ahead of time"
	./bareflow jit --hosted --cache off --log-tiers --timeout 300 --compile-threads "$1" \
		--thresholds 50,500,1000,10000 --env BAREFLOW_RT_PROBES_IN_COMPILE=3 \
		tests/jit/threads/probes4.c -- "$2" >"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	expect_status 0
	cmp -s "$TMP/out" "$TMP/aot" || fail "probes4 ($1): output differs: $(diff "$TMP/aot" "$TMP/out")"
}

# Synchronous compiles leave the policy lock to other threads: while the
# first compile goes on, the three other threads reach their own
# functions' checkpoints.
probes4 0 100000
once "3 probes ran during the first compile$" "probes4"
for f in f0 f1 f2 f3; do
	once "tier-up $f: tier 0 -> 1 .* from call 50 " "probes4"
done
echo "same     probes4 (probes during a synchronous compile)"

# With a compiler thread, the jobs the three other threads ask for while
# its first compile is held wait for the thread (the program runs on):
# none is compiled by a program thread, which would wait for the jit lock
# first (with the hold, jobs go to the thread whatever its share of a CPU).
probes4 1 10000000
expect_output "probes ran during the first compile$"
once "compiles: .* in the background" "probes4 (background)"
expect_output "compiles: .*, 0 on the program's threads"
for f in f0 f1 f2 f3; do
	once "tier-up $f: tier 0 -> 1 .* in the background" "probes4 (background)"
done
echo "same     probes4 (jobs wait for a busy compiler thread)"

# Thread-local variables, four threads, tiered in the background and not.
clang-19 -static -O1 -pthread -o build/jit/threads_tls tests/jit/threads/tls.c || fail "cannot build tls"
build/jit/threads_tls >"$TMP/aot" 2>/dev/null </dev/null || fail "tls fails ahead of time"
for opts in "--compile-threads 1" "--compile-threads 0" "--opt 0" "--opt 3"; do
	./bareflow jit --hosted --cache off --timeout 300 $opts tests/jit/threads/tls.c \
		>"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	expect_status 0
	cmp -s "$TMP/out" "$TMP/aot" || fail "tls ($opts): output differs: $(diff "$TMP/aot" "$TMP/out")"
	echo "same     tls ($opts)"
done

# Bare-metal, a compiler thread asked for: the kernel has no threads (yet),
# so the runtime compiles synchronously and says so once; or, with
# threads, compiles in the background. Either way the output is right.
clang-19 -static -O1 -o build/jit/tiers_adaptive tests/jit/tiers/adaptive.c || fail "cannot build adaptive"
build/jit/tiers_adaptive 20000 >"$TMP/aot" 2>/dev/null </dev/null
./bareflow jit --cpus 2 --compile-threads 1 --log-tiers --timeout 300 tests/jit/tiers/adaptive.c -- 20000 \
	>"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
cmp -s "$TMP/out" "$TMP/aot" || fail "adaptive (bare-metal, 2 CPUs): output differs"
if ! grep -q "in the background" "$OUT"; then
	once "no compiler thread" "bare-metal, 2 CPUs"
fi
echo "same     adaptive (bare-metal, 2 CPUs)"

# Bare-metal on one CPU (no CPU of the runtime's own: --compile-cpu off,
# which tests/boot/jit_compile_cpu.sh tests), the compiles made on the
# host: the compiler thread is the default, runs before the program
# (SCHED_FIFO), and the tier-ups go in from the background; the output is
# right.
./bareflow jit --verbose --cache off --compile-cpu off --timeout 300 tests/jit/tiers/adaptive.c \
	-- 20000 >"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
cmp -s "$TMP/out" "$TMP/aot" || fail "adaptive (bare-metal, 1 CPU): output differs"
once "compiling in the background, on 1 thread, which runs before the program" "bare-metal, 1 CPU"
once "compiles: [1-9][0-9]* in the background, .*; the compiler thread ran before the program" \
	"bare-metal, 1 CPU"
grep -q "tier-up .* in the background" "$OUT" || fail "bare-metal, 1 CPU: no tier-up in the background"
echo "same     adaptive (bare-metal, 1 CPU, the compiler thread first)"
