# The ./bareflow wrapper's first build of the runtime shows its progress on
# stderr when that is a terminal, and nothing with --quiet or without a
# terminal. A copy of the wrapper in a made-up tree, whose Makefile "builds"
# two runtime files slowly, stands in for the minutes of the real build;
# script(1) gives it a terminal.
. tests/boot/common.inc
r=$TMP/root
mkdir -p "$r/runtime/jit" "$r/build"
cp bareflow "$r/bareflow"
: >"$r/runtime/main.c"
: >"$r/runtime/jit/x.c"
cat >"$r/Makefile" <<'END'
all:
	@mkdir -p build/runtime/jit
	@if [ ! -e build/runtime/bareflow-rt ]; then sleep 2; : >build/runtime/main.o; \
		sleep 2; : >build/runtime/jit/x.o; sleep 2; : >build/runtime/bareflow-rt; fi
	@printf '#!/bin/sh\necho "cli ran: $$*"\n' >build/bareflow-cli; chmod +x build/bareflow-cli
END

# tty CMD: run CMD with a terminal on its standard streams; output in $OUT.
tty() {
	script -qec "$1" /dev/null >"$OUT" 2>&1 </dev/null
	STATUS=$?
}

tty "sh $r/bareflow demo"
expect_status 0
expect_output "cli ran: demo"
expect_output "building the runtime (once, a few minutes): 1 of 2 files, 50%, about [0-9]* s left"
expect_output "linking with LLVM"
# built: no progress the second time
tty "sh $r/bareflow demo"
expect_no_output "building the runtime"

rm -rf "$r/build/runtime"
tty "sh $r/bareflow run --quiet prog --verbose"
expect_output "cli ran: run --quiet prog --verbose"
expect_no_output "building the runtime"

rm -rf "$r/build/runtime"
run sh "$r/bareflow" demo # no terminal
expect_status 0
expect_no_output "building the runtime"
[ -e "$r/build/runtime/bareflow-rt" ] || fail "nothing was built"
