# The program's exit while a compile is under way: the compile is left
# running, not waited for, and the run ends as any other. A compile is
# held (BAREFLOW_RT_PROBES_IN_COMPILE=K,N: the N-th waits for K probes,
# never reached, or 20 s; jobs then go to the compiler thread whatever its
# share of a CPU) so that one is under way at the exit. The program's exit
# handlers (tests/jit/exit_handlers.c: atexit, on_exit, one registered by a
# handler, one calling exit) run as in the ahead-of-time build, with its
# output and status, by exit, errx, main's return and main's pthread_exit
# (the process ending with its last thread); the code cache holds
# the function compiled before (the second compile held) and is read back
# by the next run; the report is printed. Bare-metal too (the guest's
# compiler thread holds it), and a compile another program thread is
# making (synchronous compiles). With no compile under way (synchronous
# compiles), and without the tiers (--opt 2), a handler calling exit: the
# rest still run. Its last flush into a closed pipe ends it as it ends the
# native build (by SIGPIPE, 141, unless SIGPIPE is ignored here), with and
# without a compile under way.
. tests/boot/common.inc
src=tests/jit/exit_handlers.c
mkdir -p build/jit
bin=build/jit/exit_handlers
clang-19 -O1 -o "$bin" "$src" || fail "cannot build $src"
hold1="--env BAREFLOW_RT_PROBES_IN_COMPILE=1000000000"
hold2="--env BAREFLOW_RT_PROBES_IN_COMPILE=1000000000,2"

# case_ WHAT WANT_STATUS JIT_OPTIONS -- ARGS: the JIT's stdout and status
# are the ahead-of-time build's; its stderr in $OUT, its seconds in $took.
case_() {
	what=$1 want=$2
	shift 2
	opts=
	while [ "$1" != -- ]; do opts="$opts $1"; shift; done
	shift
	"$bin" "$@" >"$TMP/aot" 2>/dev/null </dev/null
	aot=$?
	[ "$aot" -eq "$want" ] || fail "$what: the ahead-of-time build exits $aot (expected $want)"
	start=$(date +%s)
	# shellcheck disable=SC2086
	./bareflow jit --timeout 300 $opts "$src" -- "$@" >"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	took=$(($(date +%s) - start))
	expect_status "$want"
	cmp -s "$TMP/out" "$TMP/aot" || fail "$what: output differs: $(diff "$TMP/aot" "$TMP/out")"
	echo "same     $what (status $STATUS, ${took}s)"
}

# left: the run's stderr says its exit left a compile running, and the
# exit did not wait for it (the held compile would have kept it 20 s).
left() {
	expect_output "1 left running at it"
	[ "$took" -lt 15 ] || fail "the exit waited for the compile (${took}s)"
}

case_ "exit(7), a compile under way" 7 --hosted --cache off --verbose $hold1 -- 3000000 7
left
case_ "main returns 3, a compile under way" 3 --hosted --cache off --verbose $hold1 -- 3000000
left
case_ "a handler calls exit(9), a compile under way" 9 --hosted --cache off --verbose $hold1 \
	-- 3000000 7 9
left
case_ "errx(5), a compile under way" 5 --hosted --cache off --verbose $hold1 -- 3000000 e5
left
case_ "main calls pthread_exit, a compile under way" 0 --hosted --cache off --verbose $hold1 \
	-- 3000000 p
left
case_ "bare-metal, a compile under way" 7 --cache off --verbose $hold1 -- 300000 7
left
expect_output "every page, page table and heap block the program used is free again"

# Synchronous compiles: another program thread is making the compile held
# when main exits (tests/jit/threads/exit_other_compiling.c); it is left
# running too.
other=tests/jit/threads/exit_other_compiling.c
clang-19 -O1 -pthread -o "$TMP/other" "$other" || fail "cannot build $other"
"$TMP/other" >"$TMP/aot" 2>/dev/null </dev/null
[ $? -eq 7 ] || fail "the ahead-of-time build of $other does not exit 7"
start=$(date +%s)
./bareflow jit --timeout 300 --hosted --cache off --verbose --compile-threads 0 $hold1 "$other" \
	>"$TMP/out" 2>"$OUT" </dev/null
STATUS=$?
took=$(($(date +%s) - start))
expect_status 7
cmp -s "$TMP/out" "$TMP/aot" || fail "another thread compiling: output $(cat "$TMP/out")"
left
echo "same     another thread compiling, synchronously (status 7, ${took}s)"

# The second compile held: the first (step's tier-up, 100,000 calls) is
# in, and stored; mix's 30 million iterations ask for the second.
case_ "the second compile under way, the code cache on" 3 --hosted --cache "$TMP/cache" \
	--verbose --log-tiers --report $hold2 -- 30000000
left
expect_output "tier-up step: tier 0 -> 2"
expect_output "code cache .*: stored [1-9][0-9]* functions"
expect_output "bareflow-rt report"
expect_output "exit status            3"
case_ "the code cache read back" 3 --hosted --cache "$TMP/cache" --verbose -- 30000000
expect_output "code cache .*: [1-9][0-9]* functions start optimized"
expect_no_output "ignored\|removed\|cannot store"

# A handler calling exit: the rest run, with its status.
case_ "synchronous compiles, a handler calls exit(9)" 9 --hosted --cache off \
	--compile-threads 0 -- 3000000 5 9
case_ "--opt 2, a handler calls exit(9)" 9 --hosted --cache off --opt 2 -- 3000000 5 9

# piped CMD...: CMD's status, its stdout a pipe whose reader has gone.
piped() {
	("$@" 2>/dev/null </dev/null; echo $? >"$TMP/status") | (exec 0<&-; true)
	cat "$TMP/status"
}
want=$(piped "$bin" 3000000)
for opts in "" "$hold1" "--compile-threads 0"; do
	# shellcheck disable=SC2086
	got=$(piped ./bareflow jit --hosted --cache off $opts "$src" -- 3000000)
	[ "$got" = "$want" ] || fail "a closed pipe ($opts): status $got, natively $want"
	echo "same     a closed pipe ($opts): status $got"
done
exit 0
