# Without QEMU's isa-debug-exit device the kernel powers off through ACPI S5:
# QEMU must exit by itself (status 0), never hang or reboot.
. tests/boot/common.inc
run timeout 60 qemu-system-x86_64 -M pc -cpu max -m 256M -display none -no-reboot \
	-monitor none -serial stdio -cdrom build/bareflow.iso
expect_status 0
expect_output "BareFlow"
expect_output "powering off via ACPI"
