# Every tier is generated with the small code model (runtime/jit/llvm.c),
# whose code reaches its own object PC-relative and the rest through the GOT
# and PLT: a program whose data is larger than that reach (3 GiB of static
# zeros) must still run, and so must bitcode built -fno-pic that declares
# libc's data hidden (it would be reached PC-relative, out of range). The
# tiers' objects hold no absolute address in their code (the large model's
# `movabs`; a recursive call `call *%r14`), and reach nothing they do not
# define PC-relative: the program's variables, its constant tables (which a
# version holds as available_externally copies) and other functions lie in
# other objects, maybe beyond 2 GiB. Hosted, where 3 GiB of untouched bss
# costs nothing.
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

# The tiers: fib calls itself, mix reads a constant table, a variable in
# the 3 GiB one and a global counter, each -O3 at fixed thresholds, on the
# program's thread; every object but tier 0's (its functions' names end in
# .bf0; with 3 GiB of data it is large-model) is checked.
cat >"$TMP/tiers.c" <<-'END'
	#include <stdio.h>
	static char big[3ull << 30];
	static const unsigned char weights[16] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
	unsigned long counted;
	long fib(int n)
	{
		return n < 2 ? n : fib(n - 1) + fib(n - 2);
	}
	__attribute__((noinline)) unsigned mix(unsigned x)
	{
		counted++;
		big[(x * 40503u) & 0xfffff] += weights[x & 15];
		return (unsigned char)big[(x * 7u) & 0xfffff] + weights[(x >> 4) & 15];
	}
	int main(void)
	{
		unsigned long s = 0;
		for (unsigned i = 0; i < 300000; i++)
			s += mix(i);
		printf("fib %ld mix %lu counted %lu\n", fib(25), s, counted);
		return 0;
	}
END
clang-19 -O2 -o "$TMP/tiers" "$TMP/tiers.c" || fail "clang failed"
want=$("$TMP/tiers") || fail "the clang build failed"
mkdir "$TMP/objs"
run ./bareflow jit --hosted --cache off --compile-threads 0 --thresholds 100,1000,1000,5000 \
	--log-tiers --env BAREFLOW_RT_OBJECTS="$TMP/objs" "$TMP/tiers.c"
expect_status 0
expect_output "^$want$"
expect_output "tier-up fib: tier 1 -> 2"
expect_output "tier-up mix: tier 1 -> 2"
expect_no_output "cannot compile"
n=0
for o in "$TMP"/objs/*.o; do
	llvm-nm-19 --defined-only "$o" >"$TMP/defined" || fail "llvm-nm-19 cannot read $o"
	grep -q '\.bf0$' "$TMP/defined" && continue
	n=$((n + 1))
	llvm-readelf-19 -S -r "$o" >"$TMP/relocs" || fail "llvm-readelf-19 cannot read $o"
	! grep -q "\.ltext" "$TMP/relocs" || fail "$o is large-model code (.ltext)"
	# relocations of code (.rela.text; the large model's would be in
	# .rela.ltext, refused above): none absolute, 64 or 32 bits; PC-relative
	# ones only to what the object defines (its sections, its own symbols)
	llvm-nm-19 --undefined-only "$o" | awk '{print $NF}' >"$TMP/undefined"
	awk '/^Relocation section .*\.rela\.text/ {code = 1; next}
		/^Relocation section/ {code = 0}
		code && $3 ~ /^R_X86_64_(64|32|32S)$/ {print "absolute: " $0}
		code && $3 == "R_X86_64_PC32" {print "pc32 " $5}' "$TMP/relocs" >"$TMP/found"
	! grep -q "^absolute" "$TMP/found" || fail "$o: an absolute address in code: $(grep -m1 absolute "$TMP/found")"
	for sym in $(sed -n 's/^pc32 //p' "$TMP/found"); do
		! grep -qx -- "$sym" "$TMP/undefined" || fail "$o reaches $sym, defined elsewhere, PC-relative"
	done
done
[ "$n" -ge 2 ] || fail "expected the tiers' objects, found $n"
echo ok
