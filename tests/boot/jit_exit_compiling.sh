# The program's exit while a compile is under way: the compile is left
# running, not waited for, and the run ends as any other. The first
# compile is held (BAREFLOW_RT_PROBES_IN_COMPILE, a count of probes never
# reached: up to 20 s) so that one is under way at the exit. The program's
# exit handlers (tests/jit/exit_handlers.c: atexit, on_exit, one
# registered by a handler) run as in the ahead-of-time build, with its
# output and status, by exit and by main's return; the code cache is
# stored and read back by the next run; the report is printed. Without a
# compile under way (synchronous compiles), the same output. Bare-metal too,
# where the guest's compiler thread waits for the host's compile server.
. tests/boot/common.inc
src=tests/jit/exit_handlers.c
mkdir -p build/jit
bin=build/jit/exit_handlers
clang-19 -O1 -o "$bin" "$src" || fail "cannot build $src"
hold="--env BAREFLOW_RT_PROBES_IN_COMPILE=1000000000"

# case WHAT WANT_STATUS JIT_OPTIONS -- ARGS: the JIT's stdout and status
# are the ahead-of-time build's; its stderr in $OUT.
case_() {
	what=$1 want=$2
	shift 2
	opts=
	while [ "$1" != -- ]; do opts="$opts $1"; shift; done
	shift
	"$bin" "$@" >"$TMP/aot" 2>/dev/null </dev/null
	[ $? -eq "$want" ] || fail "$what: the ahead-of-time build exits $? (expected $want)"
	start=$(date +%s)
	# shellcheck disable=SC2086
	./bareflow jit --timeout 300 $opts "$src" -- "$@" >"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	took=$(($(date +%s) - start))
	expect_status "$want"
	cmp -s "$TMP/out" "$TMP/aot" || fail "$what: output differs: $(diff "$TMP/aot" "$TMP/out")"
	echo "same     $what (status $STATUS, ${took}s)"
}

# left COUNT: the run's stderr says whether its exit left a compile running
# (COUNT 1) or not (0), and that the exit did not wait for one: the held
# compile would have kept it 20 s.
left() {
	if [ "$1" -eq 1 ]; then
		expect_output "1 left running at it"
		[ "$took" -lt 15 ] || fail "the exit waited for the compile (${took}s)"
	else
		expect_no_output "left running"
	fi
}

case_ "exit(7), a compile under way" 7 --hosted --cache off --verbose $hold -- 3000000 7
left 1
case_ "main returns 3, a compile under way" 3 --hosted --cache off --verbose $hold -- 3000000
left 1
case_ "bare-metal, a compile under way" 7 --cache off --verbose $hold -- 3000000 7
left 1
expect_output "every page, page table and heap block the program used is free again"

# The code cache is stored at such an exit, and the next run reads it.
case_ "a compile under way, the code cache on" 3 --hosted --cache "$TMP/cache" --verbose --report $hold -- 3000000
left 1
expect_output "code cache .*: stored [0-9]* functions"
expect_output "bareflow-rt report"
expect_output "exit status            3"
case_ "the code cache read back" 3 --hosted --cache "$TMP/cache" --verbose -- 3000000
expect_output "code cache .*: [0-9]* functions start optimized"
expect_no_output "ignored\|removed\|cannot store"

# No compile under way: compiled synchronously, and with --opt 2.
case_ "synchronous compiles" 3 --hosted --cache off --verbose --compile-threads 0 -- 3000000
left 0
case_ "--opt 2, exit(5)" 5 --hosted --cache off --opt 2 -- 3000000 5
exit 0
