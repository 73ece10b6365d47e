# Tier 0 is generated with the small code model (runtime/jit/llvm.c), whose
# code reaches its own object PC-relative and the rest through the GOT and
# PLT: a program whose data is larger than that reach (3 GiB of static
# zeros) must still run, and so must bitcode built -fno-pic that declares
# libc's data hidden (it would be reached PC-relative, out of range).
# Hosted, where 3 GiB of untouched bss costs nothing.
. tests/boot/common.inc
cat >"$TMP/big.c" <<-'END'
	#include <stdio.h>
	static char big[3ull << 30];
	int main(int argc, char **argv)
	{
		(void)argv;
		big[argc] = 5;
		big[(3ull << 30) - 1] = 7;
		printf("big %d %d\n", big[1], big[(3ull << 30) - 1]);
		return 0;
	}
END
run ./bareflow jit --hosted --cache off "$TMP/big.c"
expect_status 0
expect_output "^big 5 7$"
cat >"$TMP/hidden.c" <<-'END'
	#include <stdio.h>
	#pragma GCC visibility push(hidden)
	extern FILE *stdout;
	#pragma GCC visibility pop
	int main(void)
	{
		fputs("hidden stdout reached\n", stdout);
		return 0;
	}
END
clang-19 -fno-pic -O2 -emit-llvm -c -o "$TMP/hidden.bc" "$TMP/hidden.c" || fail "clang failed"
run ./bareflow jit --hosted --cache off "$TMP/hidden.bc"
expect_status 0
expect_output "^hidden stdout reached$"
echo ok
