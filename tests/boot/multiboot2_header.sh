# GRUB accepts the kernel as a Multiboot2 image, and the ISO exists.
. tests/boot/common.inc
run grub-file --is-x86-multiboot2 build/bareflow.elf
expect_status 0
[ -s build/bareflow.iso ] || fail "build/bareflow.iso is missing"
