# Freeing a heap block twice is caught by the slab's in-use bitmap: a panic
# naming the pointer, exit 125, never silent corruption.
. tests/boot/common.inc
run ./bareflow demo --cmdline crash=double-free --timeout 60
expect_status 125
expect_output "panic: kfree: .*already freed"
expect_output "demo_crash_double_free+0x"
