# The default demo through QEMU's direct (PVH) boot: banner, report, exit 0.
. tests/boot/common.inc
run ./bareflow demo --timeout 60
expect_status 0
expect_output "BareFlow"
expect_output "^Boot: PVH"
expect_output "^CPU: "
expect_output "^Features: .*sse2"
expect_output "^Memory map:"
expect_output " usable "
expect_output "^Usable RAM: "
