# Seeded random system calls with hostile arguments, bare-metal only (never
# on the host): 100,000 for each of three seeds, or FUZZ_CALLS for each of
# FUZZ_SEEDS (make fuzz). The kernel must not panic or hang, the program
# must finish normally, and every page must be free again afterwards. One
# more seed runs with a second CPU online (--cpus 2; the program stays on
# CPU 0, but the per-CPU GS, the locks and the shootdown checks are in its
# path), and two more from two threads at once on two CPUs (seeds 0x9a11
# and 0x9a12, FUZZ_CALLS each): the same checks, and both CPUs must have
# run them.
. tests/boot/common.inc
mkdir -p build/fuzz
if [ ! -x build/fuzz/syscalls ] || [ tests/fuzz/syscalls.c -nt build/fuzz/syscalls ]; then
	clang-19 -static -O1 -o build/fuzz/syscalls tests/fuzz/syscalls.c || fail "cannot build the fuzzer"
fi
calls=${FUZZ_CALLS:-100000}
for seed in ${FUZZ_SEEDS:-0x5eedf00d 0x1234 0xc0ffee}; do
	run ./bareflow run --verbose --timeout 900 build/fuzz/syscalls "$calls" "$seed"
	expect_status 0
	expect_output "fuzz: $calls system calls made"
	expect_output "every page, page table and heap block the program used is free again"
	expect_no_output "kernel bug"
	expect_no_output "panic"
	echo "seed $seed: $calls calls, survived"
done
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || exit 0
run ./bareflow run --cpus 2 --verbose --timeout 900 build/fuzz/syscalls "$calls" 0x77aa
expect_status 0
expect_output "smp: 2 CPUs online"
expect_output "fuzz: $calls system calls made"
expect_output "every page, page table and heap block the program used is free again"
expect_no_output "kernel bug"
expect_no_output "panic"
echo "seed 0x77aa on 2 CPUs: $calls calls, survived"
run ./bareflow run --cpus 2 --verbose --timeout 900 build/fuzz/syscalls "$calls" 0x9a11 2
expect_status 0
expect_output "fuzz: $((calls * 2)) system calls made"
expect_output "fuzz: 2 threads, seen on 2 CPUs"
expect_output "every page, page table and heap block the program used is free again"
expect_no_output "kernel bug"
expect_no_output "panic"
echo "seeds 0x9a11 and 0x9a12 in two threads on 2 CPUs: $((calls * 2)) calls, survived"
