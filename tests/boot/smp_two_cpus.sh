# --cpus 2: QEMU gets -smp 2 with multi-threaded TCG, the kernel starts the
# second CPU (and says so on its log, shown by --verbose only), a program
# still runs as before (on CPU 0; the arch_prctl GS test is in tests/abi),
# and the in-kernel SMP tests (cross-calls, an exact spinlock count, TLB
# shootdown, heap under two CPUs, pages cached on the other CPU) pass with
# both CPUs online.
. tests/boot/common.inc
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || { echo "skipped: this host has one CPU"; exit 0; }
cat >"$TMP/p.c" <<'END'
#include <stdio.h>
int main(int argc, char **argv)
{
	unsigned long s = 0;
	for (unsigned long i = 0; i < 20000000; i++)
		s += i ^ (s >> 3);
	printf("%s %lu\n", argv[1], s);
	return 7;
}
END
clang-19 -static -O1 -o "$TMP/p" "$TMP/p.c" || fail "cannot build the program"
"$TMP/p" native >"$TMP/native.out"
sed 's/native/bare/' "$TMP/native.out" >"$TMP/want.out"

./bareflow run --cpus 2 --timeout 120 "$TMP/p" bare >"$TMP/out" 2>"$TMP/err" </dev/null
STATUS=$?
cp "$TMP/err" "$OUT"
expect_status 7
cmp -s "$TMP/out" "$TMP/want.out" || fail "stdout differs: $(cat "$TMP/out")"
expect_no_output "smp:" # kernel log lines only with --verbose

run ./bareflow run --cpus 2 --verbose --timeout 120 "$TMP/p" bare
expect_status 7
expect_output "smp: 2 CPUs online"
expect_output "tcg,thread=multi"
expect_output "-smp 2"
expect_no_output "did not start"

run ./bareflow run --verbose --timeout 120 "$TMP/p" bare
expect_status 7
expect_no_output "smp:" # one CPU: not a word about it
expect_output "-smp 1 -accel tcg "

run ./bareflow selftest --cpus 2 --timeout 300 --cmdline selftest=smp_
expect_status 0
expect_output "smp: 2 CPUs online"
expect_output "^12 passed, 0 failed"
expect_output "^ok   smp_spinlock_counts_exactly_across_cpus"
expect_output "^ok   smp_tlb_shootdown_reaches_cpus_that_loaded_the_space"
echo ok
