# A program under jit --hosted gets its calloc blocks of 128 KiB to 64 MiB
# populated writable (runtime/alloc.c): resident at once, zero, and read
# then written with no page fault, where Linux faults twice a page (its
# zero page, then the copy, with a TLB flush on every CPU the process runs
# on: the compiler thread's). A 256 MiB block is left to fault as used.
# tests/jit/alloc/populated.c checks each and prints the faults it counted.
. tests/boot/common.inc

run ./bareflow jit --hosted tests/jit/alloc/populated.c
expect_status 0
expect_no_output FAILED
n=$(grep -c ': ok$' "$OUT")
[ "$n" -eq 7 ] || fail "populated.c: $n checks passed, not 7"
grep 'faults reading' "$OUT"
echo "ok       populated.c (hosted)"
