# A program under the JIT gets its blocks of 4 KiB and more from malloc and
# calloc on a 64-byte boundary (runtime/alloc.c), hosted and bare-metal,
# and they still behave as C says (tests/jit/alloc/aligned.c: zeroed,
# realloc'ed, freed). The ahead-of-time build is no oracle here: glibc's
# own blocks are only 16-byte aligned.
. tests/boot/common.inc

for mode in hosted bare-metal; do
	[ "$mode" = hosted ] && opts=--hosted || opts=
	run ./bareflow jit $opts --timeout 300 tests/jit/alloc/aligned.c
	expect_status 0
	expect_no_output FAILED
	n=$(grep -c ': ok$' "$OUT")
	[ "$n" -eq 17 ] || fail "aligned.c ($mode): $n checks passed, not 17"
	echo "ok       aligned.c ($mode)"
done
