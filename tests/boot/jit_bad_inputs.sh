# Programs that cannot run, or run badly, under `bareflow jit`, bare-metal and
# hosted: each ends with its own status and a reason on stderr, and none hangs
# or brings the kernel down (125).
. tests/boot/common.inc

# both EXPECTED_STATUS TEXT ARGS...: `bareflow jit ARGS` bare-metal, then
# hosted, must exit with that status and say TEXT.
both() {
	want=$1 text=$2
	shift 2
	for mode in "" --hosted; do
		run ./bareflow jit $mode --timeout 60 "$@"
		expect_status "$want"
		expect_output "$text"
		expect_no_output "panic"
	done
}

# Not bitcode: a text file, and a real bitcode file cut short (checked by
# the runtime on the host before anything boots or runs).
printf 'this is not bitcode\n' >"$TMP/text.bc"
both 126 "^bareflow: $TMP/text.bc: not valid LLVM bitcode (no bitcode signature" "$TMP/text.bc"
clang-19 -O1 -emit-llvm -c -o "$TMP/whole.bc" tests/jit/recursion.c || fail "clang failed"
head -c 600 "$TMP/whole.bc" >"$TMP/cut.bc"
both 126 "^bareflow: $TMP/cut.bc: not valid LLVM bitcode (" "$TMP/cut.bc"

# A function nothing provides: named, 127, before the program starts.
both 127 "bareflow_no_such_function" tests/jit/bad/missing_symbol.c
expect_no_output "before"

# A crash: the fault is reported and the status is 128 + SIGSEGV.
both 139 "SIGSEGV" tests/jit/bad/crash.c
expect_output "about to crash"
expect_no_output "still here"

# Inline assembly that does not assemble: named with LLVM's message, 126,
# before main.
both 126 "cannot compile the program's code: <inline asm>:.*invalid instruction mnemonic 'not_an_x86_instruction'" \
	tests/jit/bad/bad_asm.c
expect_no_output "before"

# A linker set the JIT cannot lay out (a thread-local variable in it):
# the section and the variable named, 126, before main.
both 126 "the section slots, which the program walks from __start_slots, holds slot_a.*(a thread-local variable)" \
	tests/jit/bad/section_tls.c
expect_no_output "before"

# A variable defined in two files: the linker's reason, naming it, 126.
both 126 "cannot be linked with the files before it: Linking globals named 'counter': symbol multiply defined" \
	tests/jit/bad/twice_a.c tests/jit/bad/twice_b.c

# A call to a function declared with a warning attribute: the code
# generator's warning, once, under the source's name, however many tiers
# compile the call; the program runs to its end. Compiles are
# synchronous: in the background, run's compile may not have started, or
# not ended, when the program (some 20 ms) ends, and then nothing reports
# the call (the exit leaves a compile under way running).
for mode in "--compile-threads 0" "--hosted --compile-threads 0"; do
	# shellcheck disable=SC2086 # the mode's words
	run ./bareflow jit $mode --timeout 60 tests/jit/bad/warning_attribute.c
	expect_status 0
	expect_output "^46411250$"
	n=$(grep -c '^bareflow-rt: warning: call to step marked "dontcall-warn": old interface, use step2$' "$OUT")
	[ "$n" = 1 ] || fail "warning_attribute ($mode): the warning printed $n times, not once"
done

# A function whose tier-up LLVM rejects (a call to a function declared
# with an error attribute, which tier 0 makes through a slot): said once,
# with the source's names; it keeps its code, and the output is right.
# Hosted under the adaptive policy (its loop's OSR asked again), compiling
# synchronously: in the background, op_bad's compile can wait behind
# main's OSR code until this short program has ended, and never be made;
# bare-metal, where compiles are predicted some 30 times dearer and the
# program is too short to pay for one, at fixed thresholds.
clang-19 -O1 -DORACLE -o "$TMP/rejected" tests/jit/bad/rejected_tier.c || fail "clang failed"
"$TMP/rejected" >"$TMP/rejected.out" || fail "the oracle failed"
for mode in --thresholds=1000,100000,5000,1000000 "--hosted --compile-threads=0"; do
	run ./bareflow jit $mode --timeout 120 --cache off tests/jit/bad/rejected_tier.c
	expect_status 0
	grep -qx -- "$(cat "$TMP/rejected.out")" "$OUT" || fail "rejected_tier ($mode): not the oracle's output"
	n=$(grep -c '^bareflow-rt: cannot compile op_bad at tier [12], so it keeps its code: .*call to forbidden marked "dontcall-error": never call this from optimized code$' "$OUT")
	[ "$n" = 1 ] || fail "rejected_tier ($mode): the rejection said $n times, not once"
done

# A program that never ends is stopped by --timeout.
for mode in "" --hosted; do
	run ./bareflow jit $mode --timeout 5 tests/jit/bad/forever.c
	expect_status 124
	expect_output "spinning"
	expect_output "timed out after 5 s"
done

# A missing input is not compiled or booted.
both 127 "No such file" tests/jit/no_such_program.c

# A compile error shows clang's diagnostic and exits 1, and the temporary
# directory is gone. Bare-metal, QEMU boots while clang compiles (the guest
# takes the files from the compile server), but the program never starts:
# nothing else is said, and the kernel log is not shown. Hosted, neither
# QEMU nor the runtime starts.
mkdir "$TMP/t"
for src in tests/jit/bad/compile_error.c "tests/jit/multi/main.c tests/jit/bad/compile_error.c"; do
	# shellcheck disable=SC2086 # the sources' words
	TMPDIR=$TMP/t run ./bareflow jit --timeout 120 $src
	expect_status 1
	expect_output "compile_error.c:4:9: error: use of undeclared identifier 'undeclared_variable'"
	[ "$(grep -vc 'compile_error.c\|undeclared_variable\|^ *[0-9]* |\|^ *|\|error generated' "$OUT")" = 0 ] ||
		fail "bare-metal, more than clang's diagnostic was said: $(cat "$OUT")"
	[ -z "$(ls -A "$TMP/t")" ] || fail "temporary files left behind: $(ls -A "$TMP/t")"
done
fake_qemu
printf '#!/bin/sh\ntouch "%s/runtime-ran"\n' "$TMP" >"$TMP/runtime"
chmod +x "$TMP/runtime"
TMPDIR=$TMP/t BAREFLOW_RUNTIME=$TMP/runtime run ./bareflow jit --hosted tests/jit/bad/compile_error.c
expect_status 1
expect_output "compile_error.c:4:9: error: use of undeclared identifier 'undeclared_variable'"
# The same with the bad source among good ones, which compile alongside it.
TMPDIR=$TMP/t BAREFLOW_RUNTIME=$TMP/runtime run ./bareflow jit --hosted tests/jit/multi/main.c \
	tests/jit/bad/compile_error.c tests/jit/multi/stats.c
expect_status 1
expect_output "compile_error.c:4:9: error: use of undeclared identifier 'undeclared_variable'"
[ ! -e "$TMP/args" ] || fail "QEMU was started after a compile error"
[ ! -e "$TMP/runtime-ran" ] || fail "the runtime was started after a compile error"
[ -z "$(ls -A "$TMP/t")" ] || fail "temporary files left behind: $(ls -A "$TMP/t")"
