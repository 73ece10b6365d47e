# System calls BareFlow lacks return ENOSYS silently (logged only with
# --verbose); when the program ends, one line on stderr names each of them
# once, by name and number, in number order. A program that used none gets
# no such line, and stdout never sees it. Numbers past the table are named
# too, as "unknown (N)", but only the first 16 distinct ones; only the low
# 32 bits of the number count.
. tests/boot/common.inc
cat >"$TMP/u.c" <<'END'
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1) {
		syscall(SYS_acct, 0);
		syscall(SYS_vhangup);
		syscall(SYS_acct, 0);
	}
	if (argc > 2) {
		syscall(0x7fffffffL);
		syscall(600L);
		syscall(0x100000000L | SYS_acct); /* acct again */
	}
	if (argc > 3)
		for (long nr = 1000; nr < 1020; nr++)
			syscall(nr);
	printf("done\n");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/u" "$TMP/u.c" || fail "cannot build the program"
./bareflow run "$TMP/u" calls >"$TMP/stdout" 2>"$OUT"
STATUS=$?
expect_status 0
[ "$(cat "$TMP/stdout")" = done ] || fail "stdout is not just the program's: $(cat "$TMP/stdout")"
[ "$(grep -c unimplemented "$OUT")" = 1 ] || fail "not exactly one line naming them"
expect_output "^bareflow: the program called unimplemented system calls: vhangup (153), acct (163)$"
expect_no_output "is not implemented"
run ./bareflow run "$TMP/u"
expect_status 0
expect_no_output "unimplemented"
./bareflow run "$TMP/u" calls high >"$TMP/stdout" 2>"$OUT"
STATUS=$?
expect_status 0
expect_output "^bareflow: the program called unimplemented system calls: vhangup (153), acct (163), unknown (600), unknown (2147483647)$"
./bareflow run "$TMP/u" calls high many >"$TMP/stdout" 2>"$OUT"
STATUS=$?
expect_status 0
[ "$(grep -o "unknown (" "$OUT" | wc -l)" = 16 ] || fail "not 16 numbers past the table named"
# the first 16 seen, in number order
expect_output "unknown (1013), unknown (2147483647), \.\.\.$"
