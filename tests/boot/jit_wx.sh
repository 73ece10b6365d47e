# W^X: the JIT runtime, bare-metal, never asks for memory that is writable
# and executable at once. Its code pages are mapped read-write, filled, then
# made read-execute (the kernel enforces NX), and the program runs.
. tests/boot/common.inc
cat >"$TMP/prog.c" <<'END'
#include <stdio.h>
int twice(int x) { return 2 * x; }
int main(void) { printf("twice 21 is %d\n", twice(21)); return 0; }
END
clang-19 -O0 -Xclang -disable-O0-optnone -emit-llvm -c -g0 -o "$TMP/prog.bc" "$TMP/prog.c" ||
	fail "cannot compile to bitcode"
./bareflow run --strace --file "$TMP/prog.bc" build/runtime/bareflow-rt "$TMP/prog.bc" -- prog \
	>"$TMP/stdout" 2>"$TMP/strace"
status=$?
[ "$status" -eq 0 ] || { tail -20 "$TMP/strace"; fail "status $status, not 0"; }
[ "$(cat "$TMP/stdout")" = "twice 21 is 42" ] || fail "wrong output: $(cat "$TMP/stdout")"
grep -E '^\[strace\] (mmap|mprotect)\(' "$TMP/strace" >"$TMP/calls" || fail "no mmap or mprotect at all?"
# The third argument is the protection: any with both 0x2 (write) and 0x4
# (execute) is W+X.
sed -E 's/^[^(]*\([^,]*, [^,]*, (0x[0-9a-f]+|[0-9]+),.*/\1/' "$TMP/calls" >"$TMP/prots"
[ "$(wc -l <"$TMP/prots")" -eq "$(wc -l <"$TMP/calls")" ] || fail "cannot read the protections"
while read -r prot; do
	[ $((prot & 6)) -ne 6 ] || { grep ", $prot," "$TMP/calls"; fail "the runtime asked for writable and executable memory"; }
done <"$TMP/prots"
grep -q ', 0x5, ' "$TMP/calls" || fail "no page was made read-execute: where did the code go?"
