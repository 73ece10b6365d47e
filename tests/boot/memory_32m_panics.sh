# Too little RAM is a clear panic and exit 125, not a hang or a reboot. The
# CLI refuses --mem 32M (cli_mem_limits.sh), so QEMU is given 32 MiB behind
# its back; the kernel's console is stdout for demo.
. tests/boot/common.inc
shrinking_qemu
SHRINK=32 ./bareflow demo --timeout 60 >"$OUT" 2>"$TMP/stderr"
STATUS=$?
expect_status 125
# (usable: the 32 MiB less the first, the kernel's image and its tables)
expect_output "^BareFlow panic: pmm: too little RAM: [23][0-9] MiB usable, BareFlow needs at least 48 MiB"
