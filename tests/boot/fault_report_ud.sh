# crash=ud: the report names the exception and the function that raised it.
. tests/boot/common.inc
run ./bareflow demo --cmdline crash=ud --timeout 60
expect_status 125
expect_output "CPU exception #UD (invalid opcode)"
expect_output "RIP .* demo_crash_ud+0x"
expect_output " kmain+0x"
