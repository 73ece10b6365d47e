# A Multiboot2 memory map with an impossible entry size: clear panic, exit 125.
. tests/boot/common.inc
run ./bareflow demo --iso --cmdline fault=mb2-bad-mmap --timeout 60
expect_status 125
expect_output "panic: boot: malformed"
