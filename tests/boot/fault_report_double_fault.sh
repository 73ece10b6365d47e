# Kernel stack overflow: the #PF on the guard page cannot be delivered, the
# CPU raises #DF, and its handler reports from its own IST stack.
. tests/boot/common.inc
run ./bareflow demo --cmdline crash=df --timeout 60
expect_status 125
expect_output "CPU exception #DF (double fault)"
expect_output "kernel stack overflow"
expect_output "own IST stack"
expect_output "demo_crash_df+0x"
expect_output " kmain+0x"
