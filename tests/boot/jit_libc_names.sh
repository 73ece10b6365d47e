# runtime/libc.def, the C library's names JIT code may use beyond
# runtime/symbols.def's, is what tools/libc-names.py makes of this
# machine's glibc headers and archives: written again, it must come out the
# same (a name added to symbols.def by hand leaves libc.def, a glibc with
# other names changes it). A program of tests/jit (posix_more.c) uses some.
. tests/boot/common.inc
run python3 tools/libc-names.py
[ "$STATUS" -eq 0 ] || fail "tools/libc-names.py failed"
cp "$OUT" "$TMP/libc.def"
if ! cmp -s "$TMP/libc.def" runtime/libc.def; then
	echo "runtime/libc.def is not what tools/libc-names.py writes now:"
	diff runtime/libc.def "$TMP/libc.def" | head -20
	exit 1
fi
n=$(grep -o '[FD]([A-Za-z0-9_]*)' runtime/libc.def | wc -l)
[ "$n" -gt 1000 ] || fail "only $n names in runtime/libc.def"
echo "runtime/libc.def: $n names, as written now"
