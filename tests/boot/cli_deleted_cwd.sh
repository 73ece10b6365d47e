# Run from a directory that had been deleted, bareflow exited 125. The guest
# starts in the current directory, so a boot now refuses with 127 (it is
# missing) and says why, before QEMU starts; jit --hosted runs where it is,
# as a native program would.
. tests/boot/common.inc
fake_qemu
root=$(pwd -P)
cat >"$TMP/hello.c" <<'END'
#include <stdio.h>
int main(void) { printf("hello\n"); return 0; }
END
clang-19 -static -O1 -o "$TMP/hello" "$TMP/hello.c" || fail "clang failed"
mkdir "$TMP/gone"
for cmd in "run $TMP/hello" "jit $TMP/hello.c"; do
	(cd "$TMP/gone" && rmdir "$TMP/gone" && "$root/build/bareflow-cli" $cmd) >"$OUT" 2>&1
	STATUS=$?
	expect_status 127
	expect_output "^bareflow: the current directory has been deleted"
	[ ! -e "$TMP/args" ] || fail "QEMU was started: $cmd"
	mkdir "$TMP/gone"
done
(cd "$TMP/gone" && rmdir "$TMP/gone" && "$root/bareflow" jit --hosted "$TMP/hello.c") >"$OUT" 2>&1
STATUS=$?
expect_status 0
expect_output "^hello$"
