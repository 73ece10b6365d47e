# Each CPU keeps a cache of free pages (kernel/mm/pmm.c). On two CPUs:
# four threads fault in and unmap pages at once and read back exactly what
# they wrote, as on Linux, and every page is free again at the exit; a
# program that runs out of memory after another CPU freed pages into its
# cache is still killed as out of memory (137) with every page back; and
# the in-kernel tests find every cached page before an allocation fails.
. tests/boot/common.inc
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || { echo "skipped: this host has one CPU"; exit 0; }
clang-19 -static -O1 -o "$TMP/churn" tests/abi/threads_page_churn.c || fail "cannot build the churn program"
"$TMP/churn" >"$TMP/native.out" 2>&1 </dev/null || fail "the churn program fails on Linux: $(cat "$TMP/native.out")"
run ./bareflow run --cpus 2 --verbose --timeout 120 "$TMP/churn"
expect_status 0
expect_output "smp: 2 CPUs online"
grep -q "^$(cat "$TMP/native.out")\$" "$OUT" || fail "expected Linux's line: $(cat "$TMP/native.out")"
expect_output "every page, page table and heap block the program used is free again"

cat >"$TMP/oom.c" <<'END'
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mman.h>

/* On CPU 1: pages faulted in and unmapped, so that CPU's cache holds some. */
static void *churn_on_cpu_1(void *arg)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(1, &s);
	if (sched_setaffinity(0, sizeof s, &s))
		return "sched_setaffinity failed";
	for (int r = 0; r < 20; r++) {
		char *a = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (int p = 0; p < 64; p++)
			a[p * 4096] = 1;
		munmap(a, 64 * 4096);
	}
	return arg;
}

int main(void)
{
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, churn_on_cpu_1, NULL);
	pthread_join(t, &r);
	if (r)
		return printf("%s\n", (char *)r), 1;
	printf("churned on CPU 1\n");
	fflush(stdout);
	for (;;) { /* a MiB at a time, touched, until the 64 MiB guest has none */
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return printf("mmap failed\n"), 1;
		for (int j = 0; j < 1 << 20; j += 4096)
			p[j] = 1;
	}
}
END
clang-19 -static -O1 -o "$TMP/oom" "$TMP/oom.c" || fail "cannot build the out-of-memory program"
run ./bareflow run --cpus 2 --verbose --mem 64M --timeout 120 "$TMP/oom"
expect_status 137
expect_output "^churned on CPU 1$"
expect_output "bareflow: out of memory: [0-9]* MiB in use of [0-9]* MiB; try a larger --mem"
expect_output "Program killed by SIGKILL: out of memory"
expect_no_output "mmap failed"
expect_output "every page, page table and heap block the program used is free again"

run ./bareflow selftest --cpus 2 --timeout 300 --cmdline selftest=smp_pages
expect_status 0
expect_output "^ok   smp_pages_in_another_cpus_cache_are_allocated_before_failing"
expect_output "^1 passed, 0 failed"
echo ok
