# A 64 GiB machine: the page allocator manages all of it.
. tests/boot/common.inc
run ./bareflow demo --mem 64G --timeout 60
expect_status 0
mib=$(sed -n 's/^Usable RAM: \([0-9]*\) MiB.*/\1/p' "$OUT")
[ -n "$mib" ] && [ "$mib" -ge 63000 ] || fail "expected Usable RAM of at least 63000 MiB, got '$mib'"
