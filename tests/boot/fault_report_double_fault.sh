# Kernel stack overflow: the #PF on the guard page cannot be delivered, the
# CPU raises #DF, and its handler reports from its own IST stack; the same
# for a thread's kernel stack (crash=kstack), with its guard page.
. tests/boot/common.inc
run ./bareflow demo --cmdline crash=df --timeout 60
expect_status 125
expect_output "CPU exception #DF (double fault)"
expect_output "kernel stack overflow"
expect_output "own IST stack"
expect_output "demo_crash_df+0x"
expect_output " kmain+0x"
# The same overflow on a thread's kernel stack (the CPU's current thread):
# the guard page below it stops the recursion, and the report names it.
run ./bareflow demo --cmdline crash=kstack --timeout 60
expect_status 125
expect_output "CPU exception #DF (double fault)"
expect_output "guard page below the kernel stack of thread 77 on CPU 0: kernel stack overflow"
expect_output "own IST stack"
expect_output "demo_crash_df+0x"
