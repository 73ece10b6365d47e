# --cpus N: 1 to 64 and no more than the host's online CPUs, else exit 2
# with the reason; the default stays one CPU (-smp 1, single-threaded TCG).
. tests/boot/common.inc
host=$(getconf _NPROCESSORS_ONLN)
for bad in 0 65 -1 two 2x ""; do
	run ./bareflow run --cpus "$bad" build/bareflow.elf
	expect_status 2
	expect_output "give a number of CPUs from 1 to 64"
done
run ./bareflow selftest --cpus 65
expect_status 2
expect_output "--cpus 65: give a number of CPUs from 1 to 64"
expect_output "Try 'bareflow selftest --help'"
if [ "$host" -lt 64 ]; then
	run ./bareflow run --cpus $((host + 1)) build/bareflow.elf
	expect_status 2
	expect_output "this host has $host CPUs online"
	expect_output "use at most --cpus $host"
fi

fake_qemu
run ./bareflow demo
expect_status 0
grep -A1 -x -- -smp "$TMP/args" | grep -qx 1 || fail "no -smp 1 by default"
expect_arg tcg
run ./bareflow demo --cpus "$host"
expect_status 0
grep -A1 -x -- -smp "$TMP/args" | grep -qx "$host" || fail "no -smp $host"
[ "$host" -eq 1 ] || expect_arg tcg,thread=multi
run ./bareflow run --help
expect_output "--cpus N"
echo ok
