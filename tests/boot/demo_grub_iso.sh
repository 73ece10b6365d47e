# The ISO as built boots through GRUB (Multiboot2), runs the demo, powers off.
. tests/boot/common.inc
run ./bareflow demo --iso --timeout 60
expect_status 0
expect_output "BareFlow"
expect_output "^Boot: Multiboot2 via GRUB"
expect_output "^Memory map:"
