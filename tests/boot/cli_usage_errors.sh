# Usage errors exit 2 with a clear message; --help lists the commands.
. tests/boot/common.inc
run ./bareflow frobnicate
expect_status 2
expect_output "unknown command 'frobnicate'"
run ./bareflow demo --mem 12Q
expect_status 2
expect_output "bad memory size '12Q'"
run ./bareflow demo --timeout
expect_status 2
expect_output "needs a value"
run ./bareflow demo --bogus
expect_status 2
expect_output "unknown option"
run ./bareflow --help
expect_status 0
expect_output "selftest"
expect_output "demo"
