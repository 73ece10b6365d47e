# A kernel page fault prints the vector, error code, registers and a
# symbolized backtrace, then exits 125.
. tests/boot/common.inc
run ./bareflow demo --cmdline crash=pf --timeout 60
expect_status 125
expect_output "CPU exception #PF (page fault)"
expect_output "error code 0x2 \[not-present write kernel\]"
expect_output "CR2 0000000000000010"
for reg in RIP RAX RBX RCX RDX RSI RDI RBP RSP R8 R9 R10 R11 R12 R13 R14 R15 RFLAGS; do
	expect_output " $reg "
done
expect_output "#0 .* demo_crash_pf+0x"
expect_output " kmain+0x"
