# Differential test: each program in tests/abi (C, or C++ with libstdc++),
# built static, runs natively and under `bareflow run` with the same
# arguments; stdout and the exit status must be identical. The first argument is the host's time of day,
# for programs that compare clocks; both sides get the same two-variable
# environment and nothing else, and the same binary stdin.
# With arguments (program names, e.g. `sh tests/boot/abi_differential.sh
# heap_heavy`), only those programs run and the report checks are skipped.
. tests/boot/common.inc
now=$(date +%s)
mkdir -p build/abi
# Every program gets the same stdin: text, NUL and 0xff bytes, then its end.
{ printf 'line one\nline two\n\000\377\377\000x\377'; head -c 3000 /dev/urandom; } >build/abi/stdin.bin
failures=0
for src in tests/abi/*.c tests/abi/*.cpp; do
	[ -e "$src" ] || continue # a pattern that matched nothing
	case $src in
	*.c) name=$(basename "$src" .c) cc=clang-19 ;;
	*) name=$(basename "$src" .cpp) cc=clang++-19 ;;
	esac
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	bin=build/abi/$name
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		$cc -static -O1 -fno-omit-frame-pointer -o "$bin" "$src" || fail "cannot build $src"
	fi
	env -i A=1 'B=two "words"' "$bin" "$now" "two words" 'q"uote' >build/abi/$name.native.out 2>build/abi/$name.native.err \
		<build/abi/stdin.bin
	native=$?
	./bareflow run --timeout 60 --env A=1 --env 'B=two "words"' "$bin" "$now" "two words" 'q"uote' \
		>build/abi/$name.bare.out 2>build/abi/$name.bare.err <build/abi/stdin.bin
	bare=$?
	if [ "$native" -ne "$bare" ] || ! cmp -s build/abi/$name.native.out build/abi/$name.bare.out; then
		echo "MISMATCH $name: native status $native, bareflow status $bare"
		diff build/abi/$name.native.out build/abi/$name.bare.out | head -20
		sed 's/^/    stderr: /' build/abi/$name.bare.err | head -20
		failures=$((failures + 1))
	else
		echo "same     $name (status $bare)"
	fi
done
[ $# -gt 0 ] && exit $((failures > 0))
# stdin from a pipe travels on the serial line (a redirected file goes in the
# boot archive instead): the same bytes, NULs and 0xff included, then EOF.
if [ -f build/abi/stdin_copy.native.out ]; then
	cat build/abi/stdin.bin | ./bareflow run --timeout 60 build/abi/stdin_copy >build/abi/stdin_pipe.bare.out 2>&1
	if ! cmp -s build/abi/stdin_copy.native.out build/abi/stdin_pipe.bare.out; then
		echo "MISMATCH stdin through a pipe: $(cat build/abi/stdin_pipe.bare.out)"
		failures=$((failures + 1))
	else
		echo "same     stdin_copy through a pipe"
	fi
fi
# The streams stay apart: stderr text never reaches stdout, and vice versa.
grep -q "to stderr" build/abi/stderr_split.bare.err || { echo "stderr lost"; failures=$((failures + 1)); }
! grep -q "to stderr" build/abi/stderr_split.bare.out || { echo "stderr on stdout"; failures=$((failures + 1)); }
# A fault report names the signal on stderr.
grep -q "SIGSEGV" build/abi/crash_segv.bare.err || { echo "no SIGSEGV report"; failures=$((failures + 1)); }
# ... with the faulting function and its callers named from the ELF's symbols.
for want in "SIGSEGV" "in write_through+0x" "fault address 0000000000000010 (write)" " middle+0x" " crash_outer+0x" " main+0x"; do
	grep -q -- "$want" build/abi/crash_backtrace.bare.err || { echo "report lacks '$want'"; failures=$((failures + 1)); }
done
# A signal's default action: the report names it, and for abort() the callers
# found on the stack (glibc has no frame pointers).
for want in "Program killed by SIGABRT" " abort+0x" " main+0x"; do
	grep -q -- "$want" build/abi/signals_abort.bare.err || { echo "abort report lacks '$want'"; failures=$((failures + 1)); }
done
# A thread's fault: the report names its function and callers.
for want in "Program killed by SIGSEGV" "in thread_writes_null+0x" " crash+0x"; do
	grep -q -- "$want" build/abi/thread_crash_segv.bare.err || { echo "thread report lacks '$want'"; failures=$((failures + 1)); }
done
grep -q "Program killed by SIGTERM" build/abi/signals_default_term.bare.err || { echo "no SIGTERM report"; failures=$((failures + 1)); }
[ "$failures" -eq 0 ]
