# crash=de: the report names the exception and the function that raised it.
. tests/boot/common.inc
run ./bareflow demo --cmdline crash=de --timeout 60
expect_status 125
expect_output "CPU exception #DE (divide error)"
expect_output "RIP .* demo_crash_de+0x"
expect_output " kmain+0x"
