# Too little RAM is a clear panic and exit 125, not a hang or a reboot.
. tests/boot/common.inc
run ./bareflow demo --mem 32M --timeout 60
expect_status 125
expect_output "panic"
expect_output "too little RAM"
