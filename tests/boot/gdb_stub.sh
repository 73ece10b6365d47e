# run --gdb=PORT: QEMU waits for gdb before the kernel runs, and the one
# command bareflow prints attaches gdb with the kernel's symbols and the
# program's at its load address, for a fixed-address and a static-pie
# program. gdb, in batch mode, stops in the kernel (proc_run), then in the
# program's work(): its argument, bt through main, the registers; the run
# continues to the program's own output and exit status. The program's
# path has a space in it, which gdb's command must keep.
. tests/boot/common.inc
command -v gdb >/dev/null || fail "gdb is missing: run 'make setup'"
cat >"$TMP/g.c" <<'END'
#include <stdio.h>
__attribute__((noinline)) int work(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += i * i;
	return s;
}
int main(int argc, char **argv)
{
	printf("%d\n", work(argc + 10));
	return 7;
}
END
port=$((20000 + $$ % 20000))

# gdb_line: wait (up to 300 s) for the gdb command bareflow prints to
# $TMP/err, and set cmd to it.
gdb_line() {
	for i in $(seq 3000); do
		grep -qs "^gdb " "$TMP/err" && break
		sleep 0.1
	done
	cmd=$(grep "^gdb " "$TMP/err") || { cat "$TMP/err"; fail "no gdb command printed"; }
}
mkdir "$TMP/a dir"
for kind in static static-pie; do
	clang-19 -$kind -g -O1 -fno-omit-frame-pointer -o "$TMP/a dir/g" "$TMP/g.c" || fail "clang failed"
	rm -f "$TMP/err" # the shell may start waiting before the job truncates it
	./bareflow run --timeout 120 --gdb=$port "$TMP/a dir/g" >"$TMP/out" 2>"$TMP/err" </dev/null &
	pid=$!
	gdb_line
	grep -q "waiting for gdb on port $port" "$TMP/err" || fail "no port: $(cat "$TMP/err")"
	case $kind in static) off=0 ;; *) off=0x555555554000 ;; esac
	case $cmd in *"add-symbol-file \"$TMP/a dir/g\" -o $off'"*) ;; *) fail "$kind: $cmd" ;; esac
	# The kernel's breakpoint goes once it has served: once, under load,
	# gdb stopped at it a second time instead of at work (the likely cause:
	# stepping off it landed in a timer interrupt, and gdb, having put it
	# back, met it again on the way back).
	eval "timeout 120 $cmd -batch -ex 'break proc_run' -ex continue -ex bt -ex 'delete 1' \
		-ex 'break work' -ex continue -ex bt -ex 'info registers rip rdi' -ex continue" \
		>"$OUT" 2>&1
	wait $pid
	STATUS=$?
	cat "$TMP/err" >>"$OUT"
	expect_status 7
	[ "$(cat "$TMP/out")" = 385 ] || fail "$kind: output $(cat "$TMP/out")"
	expect_output "^Breakpoint 1, proc_run ("
	expect_output "^#1  0x[0-9a-f]* in proc_exec (file="
	expect_output "in kmain ("
	expect_output "^Breakpoint 2, work (n=11) at .*g.c:"
	expect_output "^#1  0x[0-9a-f]* in main (argc="
	expect_output "^rip  *0x[0-9a-f]*  *0x[0-9a-f]* <work+[0-9]*>"
	expect_output "^rdi  *0xb  *11"
	echo "ok $kind"
done

# JIT code through gdb's JIT interface (runtime/gdbjit.c): bare-metal, with
# the runtime's symbols from the printed command, a breakpoint set before
# mix() exists stops in its JIT code, and bt names it and its caller.
rm -f "$TMP/err"
./bareflow jit --timeout 300 --gdb=$port tests/jit/see/versions.c >"$TMP/out" 2>"$TMP/err" </dev/null &
pid=$!
gdb_line
case $cmd in *"add-symbol-file \"$(pwd)/build/runtime/bareflow-rt\" -o 0'"*) ;; *) fail "jit: $cmd" ;; esac
eval "timeout 300 $cmd -batch -ex 'set breakpoint pending on' -ex 'break mix' -ex continue \
	-ex 'bt 2' -ex 'info registers rip' -ex delete -ex continue" >"$OUT" 2>&1
wait $pid
STATUS=$?
expect_status 0
grep -q "^64530244022766$" "$TMP/out" || fail "jit: output $(cat "$TMP/out")"
expect_output "^Breakpoint 1\.[0-9]*, 0x00007[0-9a-f]* in mix ()"
expect_output "^#1  0x00007[0-9a-f]* in main ()"
expect_output "^rip  *0x7[0-9a-f]*  *0x7[0-9a-f]* <mix"
echo "ok jit bare-metal"

# Hosted, jit --gdb runs the runtime under gdb (commands from stdin here),
# the program with only its --env environment.
printf 'break scale\nrun\nbt 2\ninfo registers rip\ndelete\ncontinue\n' >"$TMP/cmds"
./bareflow jit --hosted --gdb --env "X=a'b c" tests/jit/see/versions.c <"$TMP/cmds" >"$OUT" 2>&1
STATUS=$?
expect_status 0
expect_output "Breakpoint 1\.[0-9]*, 0x00007[0-9a-f]* in scale ()"
expect_output "#1  0x00007[0-9a-f]* in main ()"
expect_output "rip  *0x7[0-9a-f]*  *0x7[0-9a-f]* <scale"
expect_output "^64530244022766$"
expect_output "exited normally"
echo "ok jit hosted"

run ./bareflow demo --gdb=0
expect_status 2
expect_output "bad --gdb port '0'"
run ./bareflow run --gdb=x "$TMP/g"
expect_status 2
