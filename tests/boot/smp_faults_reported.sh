# Failures involving other CPUs are reported, never a hang or a silent
# reset: a CPU that never answers its STARTUP is named on the log and left
# out after a bounded wait, spinlocks taken against their rank order panic
# naming both locks, and an exception on CPU 1 gets the full report, saying
# which CPU.
. tests/boot/common.inc
run ./bareflow demo --cmdline fault=absent-cpu --verbose --timeout 60
expect_status 0
expect_output "smp: CPU with APIC ID 200 did not start; going on without it"
expect_output "smp: 1 CPU online"
expect_output "BareFlow x86-64 unikernel"
run ./bareflow demo --cmdline crash=lock-order --timeout 60
expect_status 125
expect_output "panic: spin_lock: demo_inner (rank 20) taken while holding a lock of rank 30: lock order"
expect_output "demo_crash_lock_order+0x"
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || { echo "skipped the CPU 1 part: one host CPU"; exit 0; }
run ./bareflow demo --cpus 2 --cmdline fault=absent-cpu --verbose --timeout 60
expect_status 0
expect_output "did not start; going on without it"
expect_output "smp: 2 CPUs online"
run ./bareflow demo --cpus 2 --cmdline crash=ap-ud --timeout 60
expect_status 125
expect_output "CPU exception #UD (invalid opcode)"
expect_output "on CPU 1 (local APIC ID 1)"
expect_output "RIP .* demo_crash_ud+0x"
expect_output "panic: unhandled #UD"
run ./bareflow demo --cmdline crash=ap-ud --timeout 60
expect_status 125
expect_output "crash=ap-ud needs a second CPU"
echo ok
