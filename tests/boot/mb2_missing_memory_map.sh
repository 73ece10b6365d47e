# A Multiboot2 hand-off without a memory map tag: clear panic, exit 125.
. tests/boot/common.inc
run ./bareflow demo --iso --cmdline fault=mb2-no-mmap --timeout 60
expect_status 125
expect_output "panic: boot: no memory map"
