# 100,000 seeded random system calls with hostile arguments, bare-metal only
# (never on the host). The kernel must not panic or hang, the program must
# finish normally, and every page must be free again afterwards.
. tests/boot/common.inc
mkdir -p build/fuzz
if [ ! -x build/fuzz/syscalls ] || [ tests/fuzz/syscalls.c -nt build/fuzz/syscalls ]; then
	clang-19 -static -O1 -o build/fuzz/syscalls tests/fuzz/syscalls.c || fail "cannot build the fuzzer"
fi
for seed in 0x5eedf00d 0x1234; do
	run ./bareflow run --verbose --timeout 300 build/fuzz/syscalls 100000 "$seed"
	expect_status 0
	expect_output "fuzz: 100000 system calls made"
	expect_output "every page, page table and heap block the program used is free again"
	expect_no_output "kernel bug"
	expect_no_output "panic"
done
