# demo=banner prints the banner and powers off without the report.
. tests/boot/common.inc
run ./bareflow demo --cmdline demo=banner --timeout 60
expect_status 0
expect_output "BareFlow"
expect_no_output "Memory map:"
