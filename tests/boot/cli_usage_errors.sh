# Usage errors exit 2 with a one-line reason and a hint; help exits 0.
. tests/boot/common.inc
run ./bareflow frobnicate
expect_status 2
expect_output "unknown command 'frobnicate'"
expect_output "Try 'bareflow --help'"
run ./bareflow
expect_status 2
run ./bareflow jit prog.py
expect_status 2
expect_output "is not a program: give .c or .bc files"
run ./bareflow demo --mem 12Q
expect_status 2
expect_output "bad memory size '12Q'"
expect_output "Try 'bareflow demo --help'"
run ./bareflow demo --mem 0
expect_status 2
run ./bareflow demo --timeout
expect_status 2
expect_output "needs a value"
run ./bareflow demo --timeout 1.5
expect_status 2
run ./bareflow demo --bogus
expect_status 2
expect_output "unknown option '--bogus'"
run ./bareflow selftest --iso
expect_status 2
run ./bareflow --help
expect_status 0
expect_output "selftest"
expect_output "demo"
run ./bareflow help
expect_status 0
expect_output "selftest"
run ./bareflow demo --help
expect_status 0
for opt in --mem --iso --timeout --cmdline --verbose; do
	expect_output "$opt"
done
run ./bareflow help selftest
expect_status 0
expect_output "N passed, N failed"
