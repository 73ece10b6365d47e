# A program's bss was backed page by page before it started: a 400 MB bss
# left too little of a 640 MiB guest for the heap, and a 1 TiB one took
# seconds to fail. Like Linux, bss is now demand-zero, and only one larger
# than all of RAM is refused (Linux's heuristic overcommit, which kills the
# program with SIGSEGV before it starts).
. tests/boot/common.inc
cat >"$TMP/bss.c" <<'END'
#include <stdio.h>
#include <stdlib.h>

char big[400ul << 20];

int main(void)
{
	char *volatile p = big; /* nothing may be folded away */
	unsigned long sum = 0;
	for (unsigned long i = 0; i < sizeof big; i += sizeof big / 16)
		sum += (unsigned char)p[i];
	p[0] = 1;
	p[sizeof big - 1] = 2;
	size_t n = 400ul << 20;
	char *heap = malloc(n);
	for (size_t i = 0; heap && i < n; i += 4096)
		heap[i] = 3;
	printf("bss of %lu MiB: sum %lu, ends %d %d; heap of %zu MiB touched: %d\n",
	       sizeof big >> 20, sum, p[0], p[sizeof big - 1], n >> 20, heap ? heap[n - 4096] : 0);
	return 0;
}
END
# No C library: glibc's static start-up cannot link with _end past 1 TiB.
cat >"$TMP/tera.c" <<'END'
char big[1ul << 40];

void _start(void)
{
	long ret;
	big[0] = 1;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(231), "D"(big[0] + 41) : "rcx", "r11", "memory");
}
END
clang-19 -static -O1 -o "$TMP/bss" "$TMP/bss.c" || fail "cannot build the 400 MiB program"
clang-19 -static -nostdlib -ffreestanding -fno-stack-protector -O1 -mcmodel=large \
	-o "$TMP/tera" "$TMP/tera.c" || fail "cannot build the 1 TiB program"
"$TMP/bss" >"$TMP/native.out" 2>&1 || fail "the native run failed: $(cat "$TMP/native.out")"
run ./bareflow run --mem 640M --timeout 120 "$TMP/bss"
expect_status 0
cmp -s "$TMP/native.out" "$OUT" || fail "output differs from Linux's: $(cat "$TMP/native.out")"

# This host has far less than 1 TiB of RAM: Linux kills the program too.
sh -c '"$1"; exit $?' sh "$TMP/tera" 2>/dev/null
native=$?
run ./bareflow run --timeout 60 "$TMP/tera"
expect_status $native
expect_status 139
expect_output "cannot start: its bss of 1048576 MiB is larger than memory"
