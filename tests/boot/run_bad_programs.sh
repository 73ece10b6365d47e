# Files that cannot run: a clear reason on stderr and the shell's statuses
# (126 cannot execute, 127 not found); the kernel never faults on them.
. tests/boot/common.inc
bad=$(mktemp)
trap 'rm -f "$OUT" "$bad"' EXIT
run ./bareflow run /nonexistent/program
expect_status 127
expect_output "No such file"
printf 'this is not an ELF file at all\n' >"$bad"
run ./bareflow run --timeout 60 "$bad"
expect_status 126
expect_output "cannot execute: not an ELF file"
run ./bareflow run --timeout 60 /bin/true
expect_status 126
expect_output "dynamically linked"
head -c 200 build/bareflow.elf >"$bad" # a truncated ELF
run ./bareflow run --timeout 60 "$bad"
expect_status 126
expect_output "cannot execute"
run ./bareflow run --file a:b /bin/true
expect_status 2
expect_output "must be an absolute path"
