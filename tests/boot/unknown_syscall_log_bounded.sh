# Unknown system call numbers warn once each in the kernel log, and past the
# table (512 and up) only for a bounded number of distinct numbers: 200,000
# calls with 100,000 different numbers once wrote a line each, 15 MB of log
# into a host file. Every call still returns -ENOSYS.
. tests/boot/common.inc
cat >"$TMP/unknown.c" <<'END'
#include <stdio.h>

static long raw_syscall(unsigned long nr)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	long enosys = 0;
	for (unsigned long i = 0; i < 100000; i++) {
		enosys += raw_syscall(512 + i) == -38;   /* each number once */
		enosys += raw_syscall(0x7fffffff) == -38; /* one number, many times */
	}
	enosys += raw_syscall(335) == -38; /* in the table, not implemented */
	enosys += raw_syscall(335) == -38;
	printf("%ld calls returned -ENOSYS\n", enosys);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/unknown" "$TMP/unknown.c" || fail "cannot build the program"
run ./bareflow run --verbose --timeout 120 "$TMP/unknown"
expect_status 0
expect_output "^200002 calls returned -ENOSYS$"
lines=$(grep -c "is not implemented; returning -ENOSYS" "$OUT")
[ "$lines" -ge 2 ] && [ "$lines" -le 20 ] || fail "expected 2 to 20 warnings, got $lines"
[ "$(grep -c "(335) is not implemented" "$OUT")" -eq 1 ] || fail "number 335 not warned exactly once"
[ "$(grep -c "(2147483647) is not implemented" "$OUT")" -eq 1 ] || fail "0x7fffffff not warned exactly once"
expect_output "further unknown system call numbers are not reported"
[ "$(wc -c <"$OUT")" -lt 100000 ] || fail "the log is $(wc -c <"$OUT") bytes"
