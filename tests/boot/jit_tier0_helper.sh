# Tier 0 in two parts at once (runtime/jit/helper.c): a helper thread reads
# the program again into an LLVM context of its own and compiles half of
# tier 0 beside the runtime's half. The parts must make one program: each
# run's output must equal the clang build's, whichever part defines the
# variables (the part that uses them most), with constructors, a
# destructor, a thread-local variable, statics of one name in two files,
# a variadic function, a struct passed by value and a callback crossing
# the parts; warm from the code cache it stored; and bare-metal, whose
# tier-0 file the host makes (with the helper as hosted); and bitcode built
# with a profile (functions with entry counts). A program that is mostly
# one function has all of tier 0 compiled by the helper. A program with
# label addresses stays whole (a variable's initializer names a function's
# blocks). A bad file
# or a missing name is said once (the helper says nothing), and the run
# ends with its status. BAREFLOW_RT_TIER0_HELPER=on starts the helper
# whatever the number of CPUs; =off never.
. tests/boot/common.inc
mkdir "$TMP/p"
cat >"$TMP/p/s.h" <<-'END'
	struct pair { long a, b; };
	extern long counter;
	extern int table[64];
	extern __thread long per_thread;
	void say(const char *fmt, ...);
	unsigned mix_b(unsigned x);
	unsigned mix_c(unsigned x);
	long walk_b(int r);
	long walk_c(int r, double d, struct pair p);
	void sorted_c(void);
END
cat >"$TMP/p/a.c" <<-'END'
	#include <stdarg.h>
	#include <stdio.h>
	#include "s.h"
	long counter = 7;
	int table[64];
	const char *const names[] = {"ant", "bee", "cat", "dog"};
	__thread long per_thread = 3;
	static long seen; /* b.c has a static of this name too */
	static int helper(int x) { return x * 3 + 1; }
	void say(const char *fmt, ...)
	{
		va_list ap;
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	__attribute__((constructor)) static void fill(void)
	{
		for (int i = 0; i < 64; i++)
			table[i] = helper(i) % 17;
	}
	__attribute__((destructor)) static void bye(void) { say("bye %ld\n", counter); }
	int main(int argc, char **argv)
	{
		(void)argv;
		long sum = 0;
		unsigned (*fns[3])(unsigned) = {mix_b, mix_c, argc > 5 ? mix_b : mix_c};
		for (int r = 0; r < 2000; r++) {
			sum += walk_b(r) + walk_c(r, 1.5 + r, (struct pair){r, -r});
			sum ^= fns[r % 3]((unsigned)r);
			seen += table[r % 64];
			per_thread += r & 1;
		}
		sorted_c();
		say("%s %ld %ld %ld %ld\n", names[sum & 3], sum, seen, per_thread, counter);
		return 0;
	}
END
cat >"$TMP/p/b.c" <<-'END'
	#include "s.h"
	static long seen = 5;
	static int helper(int x) { return x ^ 0x55; }
	unsigned mix_b(unsigned x)
	{
		for (int i = 0; i < 8; i++)
			x = (x << 5 | x >> 27) * 2654435761u + (unsigned)helper(i);
		return x;
	}
	long walk_b(int r)
	{
		long s = 0;
		for (int i = 0; i < 64; i++) {
			s += table[(i + r) % 64] * (i & 1 ? 3 : -1);
			if (s > 1000)
				s -= counter;
			counter += (s & 7) == 3;
		}
		seen += s & 15;
		if (r == 1999)
			say("b saw %ld\n", seen);
		return s + per_thread;
	}
END
cat >"$TMP/p/c.c" <<-'END'
	#include <stdlib.h>
	#include "s.h"
	static int cmp(const void *x, const void *y) { return *(const int *)x - *(const int *)y; }
	unsigned mix_c(unsigned x)
	{
		unsigned h = 2166136261u;
		for (int i = 0; i < 4; i++)
			h = (h ^ ((x >> (8 * i)) & 255)) * 16777619u;
		return h;
	}
	long walk_c(int r, double d, struct pair p)
	{
		double acc = d;
		for (int i = 0; i < 16; i++)
			acc = acc * 0.5 + table[(i * 7 + r) % 64];
		return (long)acc + p.a - p.b + counter % 5;
	}
	void sorted_c(void)
	{
		int copy[64];
		for (int i = 0; i < 64; i++)
			copy[i] = table[i] * 31 % 23;
		qsort(copy, 64, sizeof *copy, cmp);
		long s = 0;
		for (int i = 0; i < 64; i++)
			s = s * 3 + copy[i];
		say("sorted %ld\n", s);
	}
END
# x.c uses its variables in every line, y.c none: x.c's part defines them
cat >"$TMP/p/x.c" <<-'END'
	int g1, g2, g3;
	int heavy1(int r)
	{
		for (int i = 0; i < 50; i++) {
			g1 += i ^ r;
			g2 -= g1 & 7;
			g3 ^= g2 + g1;
		}
		return g1 + g2 + g3;
	}
	int heavy2(int r)
	{
		for (int i = 0; i < 50; i++) {
			g2 += i * r;
			g3 -= g2 & 5;
			g1 ^= g3 + g2;
		}
		return g1 - g2 + g3;
	}
END
cat >"$TMP/p/y.c" <<-'END'
	#include <stdio.h>
	int heavy1(int r);
	int heavy2(int r);
	static unsigned light1(unsigned x)
	{
		for (int i = 0; i < 20; i++)
			x = x * 2654435761u + (unsigned)i;
		return x;
	}
	static unsigned light2(unsigned x)
	{
		for (int i = 0; i < 20; i++)
			x = (x >> 3) ^ (x * 40503u) ^ (unsigned)i;
		return x;
	}
	int main(void)
	{
		unsigned s = 0;
		for (int r = 0; r < 3000; r++)
			s += light1((unsigned)r) ^ light2((unsigned)r * 3) ^ (unsigned)heavy1(r) ^
			     (unsigned)heavy2(r);
		printf("%u\n", s);
		return 0;
	}
END
cat >"$TMP/p/g.c" <<-'END'
	#include <stdio.h>
	static int run(const unsigned char *code, int n)
	{
		static void *ops[] = {&&op_inc, &&op_dbl, &&op_end};
		int acc = 0, pc = 0;
		goto *ops[code[pc]];
	op_inc:
		acc++;
		if (++pc < n)
			goto *ops[code[pc]];
		return acc;
	op_dbl:
		acc *= 2;
		if (++pc < n)
			goto *ops[code[pc]];
		return acc;
	op_end:
		return acc;
	}
	int other(int x) { return x * 7 + 1; }
	int main(void)
	{
		unsigned char code[] = {0, 0, 1, 0, 1, 2};
		long s = 0;
		for (int i = 0; i < 10000; i++)
			s += run(code, 6) + other(i);
		printf("%ld\n", s);
		return 0;
	}
END
P=$TMP/p
clang-19 -O2 -o "$TMP/abc" "$P/a.c" "$P/b.c" "$P/c.c" && "$TMP/abc" >"$TMP/abc.want" ||
	fail "the clang build of a.c b.c c.c failed"
clang-19 -O2 -o "$TMP/xy" "$P/x.c" "$P/y.c" && "$TMP/xy" >"$TMP/xy.want" ||
	fail "the clang build of x.c y.c failed"
clang_oracle "$P/g.c"

# run_jit WANT FILES...: a hosted run with the helper, --verbose; its
# output (the runtime's lines aside) must be WANT's
run_jit() {
	want_file=$1
	shift
	run ./bareflow jit --hosted --cache off --verbose --env BAREFLOW_RT_TIER0_HELPER=on "$@"
	expect_status 0
	grep -v '^bareflow' "$OUT" >"$TMP/got"
	cmp -s "$want_file" "$TMP/got" || fail "the output differs from clang's: $(diff "$want_file" "$TMP/got" | head -5)"
}
run_jit "$TMP/abc.want" "$P/a.c" "$P/b.c" "$P/c.c"
expect_output "tier 0 in two parts at once: .* on another thread"
run_jit "$TMP/xy.want" "$P/x.c" "$P/y.c"
expect_output "tier 0 in two parts at once: 2 functions here, 3 on another thread$"
run_jit "$TMP/xy.want" "$P/y.c" "$P/x.c"
expect_output "tier 0 in two parts at once: 3 functions here, 2 on another thread (its part defines the variables)$"
# one function most of the program (a generated state machine): the
# helper compiles all of tier 0, its own copy instrumented in place, which
# must be the program (variables, a constructor, a static); so again from
# the code cache it stored, and bare-metal, from the host's tier-0 file
awk 'BEGIN {
	print "#include <stdio.h>"
	print "int s[16];"
	print "static int rounds = 1;"
	print "__attribute__((constructor)) static void init(void) { rounds = 5; }"
	print "void step(void) {"
	for (k = 0; k < 400; k++)
		printf "\tif (s[%d] >= %d) { s[%d] -= %d; s[%d] += 1; }\n", k % 16, k % 3, k % 16, k % 3, (k * 7 + 3) % 16
	print "}"
	print "int main(void) {"
	print "\tfor (int i = 0; i < 16; i++) s[i] = i % 4 + 1;"
	print "\tfor (int r = 0; r < rounds * 1000; r++) step();"
	print "\tfor (int i = 0; i < 16; i++) printf(\"%d \", s[i]);"
	print "\tprintf(\"\\n\");"
	print "\treturn 0;"
	print "}"
}' >"$P/big.c"
clang-19 -O2 -o "$TMP/big" "$P/big.c" && "$TMP/big" >"$TMP/big.want" ||
	fail "the clang build of big.c failed"
run_jit "$TMP/big.want" "$P/big.c"
expect_output "tier 0 on another thread, whole: one function holds most of the program$"
for k in 1 2; do
	run ./bareflow jit --hosted --cache "$TMP/bigcache" --verbose \
		--env BAREFLOW_RT_TIER0_HELPER=on "$P/big.c"
	expect_status 0
	grep -v '^bareflow' "$OUT" >"$TMP/got"
	cmp -s "$TMP/big.want" "$TMP/got" || fail "big.c, run $k with a code cache, differs from clang's"
done
expect_no_output "tier 0 on another thread"
BAREFLOW_RT_TIER0_HELPER=on run ./bareflow jit --cache off "$P/big.c"
expect_status 0
grep -v '^bareflow' "$OUT" >"$TMP/got"
cmp -s "$TMP/big.want" "$TMP/got" || fail "big.c bare-metal differs from clang's"
run ./bareflow jit --hosted --cache off --verbose --env BAREFLOW_RT_TIER0_HELPER=off \
	"$P/a.c" "$P/b.c" "$P/c.c"
expect_status 0
expect_output "tier 0 on one thread: no helper"
run ./bareflow jit --hosted --cache off --verbose --env BAREFLOW_RT_TIER0_HELPER=on "$P/g.c"
expect_status 0
expect_output "^$want$"
expect_output "tier 0 on one thread: the program has module assembly, aliases or label addresses"

# the code cache: tier 0 stored from both parts, and a warm run from it
for k in 1 2; do
	run ./bareflow jit --hosted --cache "$TMP/cache" --verbose --env BAREFLOW_RT_TIER0_HELPER=on \
		"$P/a.c" "$P/b.c" "$P/c.c"
	expect_status 0
	grep -v '^bareflow' "$OUT" >"$TMP/got"
	cmp -s "$TMP/abc.want" "$TMP/got" || fail "run $k from the code cache differs from clang's"
done
expect_no_output "tier 0 in two parts"

# bare-metal, the host's tier-0 file made with the helper on
BAREFLOW_RT_TIER0_HELPER=on run ./bareflow jit --cache off "$P/a.c" "$P/b.c" "$P/c.c"
expect_status 0
grep -v '^bareflow' "$OUT" >"$TMP/got"
cmp -s "$TMP/abc.want" "$TMP/got" || fail "the bare-metal run differs from clang's"

# bitcode built with a profile (clang -fprofile-instr-use): every function
# carries its entry count (!prof), which a declaration of it in the other
# part may not (it did not verify: exit 126)
clang-19 -fprofile-instr-generate -o "$TMP/abc.inst" "$P/a.c" "$P/b.c" "$P/c.c" ||
	fail "clang -fprofile-instr-generate failed"
LLVM_PROFILE_FILE=$TMP/abc.profraw "$TMP/abc.inst" >/dev/null || fail "the instrumented build failed"
llvm-profdata-19 merge -o "$TMP/abc.profdata" "$TMP/abc.profraw" || fail "llvm-profdata-19 failed"
for f in a b c; do
	clang-19 -O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0 \
		-fprofile-instr-use="$TMP/abc.profdata" -o "$TMP/$f.pgo.bc" "$P/$f.c" ||
		fail "clang -fprofile-instr-use failed on $f.c"
done
BAREFLOW_RT_TIER0_HELPER=on run build/runtime/bareflow-rt --cache off --verbose \
	"$TMP/a.pgo.bc" "$TMP/b.pgo.bc" "$TMP/c.pgo.bc" -- abc
expect_status 0
expect_output "tier 0 in two parts at once"
grep -v '^bareflow' "$OUT" >"$TMP/got"
cmp -s "$TMP/abc.want" "$TMP/got" || fail "the run of the profiled bitcode differs from clang's"

# a bad file, a name the runtime lacks: said once, the run's status
flags="-O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0"
for f in x y; do
	clang-19 $flags -o "$TMP/$f.bc" "$P/$f.c" || fail "clang failed on $f.c"
done
head -c 2000 "$TMP/x.bc" >"$TMP/bad.bc"
BAREFLOW_RT_TIER0_HELPER=on run build/runtime/bareflow-rt --cache off "$TMP/y.bc" "$TMP/bad.bc" -- y
expect_status 126
[ "$(grep -c 'bad.bc: not valid LLVM bitcode' "$OUT")" -eq 1 ] || fail "the bad file is not said once"
printf 'int undefined_fn(void);\nint main(void) { return undefined_fn(); }\n' >"$TMP/u.c"
clang-19 $flags -o "$TMP/u.bc" "$TMP/u.c" || fail "clang failed on u.c"
BAREFLOW_RT_TIER0_HELPER=on run build/runtime/bareflow-rt --cache off "$TMP/u.bc" "$TMP/x.bc" -- u
expect_status 127
[ "$(grep -c 'does not provide: undefined_fn' "$OUT")" -eq 1 ] || fail "the missing name is not said once"
echo ok
