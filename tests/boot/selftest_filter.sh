# selftest=heap runs only the heap tests.
. tests/boot/common.inc
run ./bareflow selftest --cmdline selftest=heap
expect_status 0
expect_output "^ok   heap_"
expect_no_output "^ok   vm_"
line=$(grep -E '^[0-9]+ passed, 0 failed$' "$OUT") || fail "no summary"
[ "${line%% *}" -gt 0 ] || fail "no test ran"
