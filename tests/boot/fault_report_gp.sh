# crash=gp: the report names the exception and the function that raised it.
. tests/boot/common.inc
run ./bareflow demo --cmdline crash=gp --timeout 60
expect_status 125
expect_output "CPU exception #GP (general protection fault)"
expect_output "RIP .* demo_crash_gp+0x"
expect_output " kmain+0x"
