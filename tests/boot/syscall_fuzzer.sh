# Seeded random system calls with hostile arguments, bare-metal only (never
# on the host): 100,000 for each of three seeds, or FUZZ_CALLS for each of
# FUZZ_SEEDS (make fuzz). The kernel must not panic or hang, the program
# must finish normally, and every page must be free again afterwards.
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
