# A program that touched more memory than the guest has died with
# "SIGSEGV: #PF ... (write)" at a valid address. It now dies as Linux's OOM
# killer does it, by SIGKILL (137), with a message that says what ran out,
# whether the program touched the page itself or a system call wrote there;
# and the kernel gets every page back.
. tests/boot/common.inc
cat >"$TMP/oom.c" <<'END'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

int main(int argc, char **argv)
{
	/* Each block fits a 64 MiB guest (Linux's overcommit check allows it),
	 * all eight do not. */
	size_t n = 32ul << 20;
	char *p[8];
	for (int i = 0; i < 8; i++)
		if (!(p[i] = malloc(n)))
			return printf("malloc failed\n"), 1;
	printf("allocated\n");
	fflush(stdout);
	if (argc > 1) { /* the kernel's copy is the first to touch the pages */
		for (int i = 0; i < 8; i++)
			printf("getrandom returned %ld\n", (long)getrandom(p[i], n, 0));
		return 0;
	}
	for (int i = 0; i < 8; i++)
		for (size_t j = 0; j < n; j += 4096)
			p[i][j] = 1;
	printf("never printed\n");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/oom" "$TMP/oom.c" || fail "cannot build the program"
for how in "" syscall; do
	run ./bareflow run --verbose --mem 64M --timeout 60 "$TMP/oom" $how
	expect_status 137
	expect_output "^allocated$"
	expect_output "bareflow: out of memory: [0-9]* MiB in use of [0-9]* MiB; try a larger --mem"
	expect_output "Program killed by SIGKILL: out of memory"
	expect_no_output "SIGSEGV"
	expect_no_output "never printed"
	expect_no_output "getrandom returned"
	expect_output "every page, page table and heap block the program used is free again"
done
