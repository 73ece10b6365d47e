# Bitcode a user built for optimizing later (clang -O2 -Xclang
# -disable-llvm-passes -emit-llvm, without the -U__OPTIMIZE__ the CLI gives)
# carries glibc's inline bodies from its headers (getc_unlocked,
# putchar_unlocked, atoi, getline calling __getdelim...),
# available_externally. They are the library's
# own code, not the program's replacement of a library function: they must
# not be marked no-builtins as those are (runtime/jit/whole.c), which kept
# LLVM from inlining them into the tiers' versions (a filter's loop called
# its putchar_unlocked and getchar_unlocked copies per byte, twice clang's
# time). main's
# optimized code (OSR's and -O3's) must not call them; the output must
# equal the clang build's.
. tests/boot/common.inc
cat >"$TMP/filter.c" <<-'END'
	#include <stdio.h>
	#include <stdlib.h>
	#include <string.h>
	int main(int argc, char **argv)
	{
		int rounds = argc > 1 ? atoi(argv[1]) : 200;
		static char text[] = "The quick brown fox jumps over the lazy dog.\n";
		unsigned long upper = 0, lines = 0;
		for (int r = 0; r < rounds; r++) {
			FILE *in = fmemopen(text, strlen(text), "r");
			if (!in)
				return 1;
			int c;
			while ((c = getc_unlocked(in)) != EOF) {
				int u = c >= 'a' && c <= 'z' ? c - 32 : c;
				upper += u != c;
				lines += c == '\n';
				if (r == 0)
					putchar_unlocked(u);
			}
			fclose(in);
		}
		/* glibc's inline getline calls __getdelim */
		FILE *again = fmemopen(text, strlen(text), "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t n = again ? getline(&line, &cap, again) : -1;
		if (again)
			fclose(again);
		free(line);
		printf("%lu %lu %zd\n", upper, lines, n);
		return 0;
	}
END
clang-19 -O2 -o "$TMP/oracle" "$TMP/filter.c" || fail "clang failed"
"$TMP/oracle" 20000 >"$TMP/want" || fail "the clang build failed"
clang-19 -O2 -Xclang -disable-llvm-passes -emit-llvm -c -o "$TMP/filter.bc" "$TMP/filter.c" || fail "clang failed"
llvm-dis-19 -o - "$TMP/filter.bc" | grep -q 'define available_externally.*@putchar_unlocked' ||
	fail "clang gave no inline body of putchar_unlocked: nothing to test"
mkdir "$TMP/objs"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers \
	--env BAREFLOW_RT_OBJECTS="$TMP/objs" "$TMP/filter.bc" -- 20000
expect_status 0
grep -v '^bareflow-rt: ' "$OUT" >"$TMP/got"
cmp -s "$TMP/got" "$TMP/want" || fail "the output differs from the clang build's"
# A copy not inlined is a local function beside main's version, called
# without a relocation: no symbol of theirs may be in its object at all.
n=0
for o in "$TMP"/objs/*.o; do
	llvm-nm-19 --defined-only "$o" | grep -q ' T main\.\(bf2\|osr\)' || continue
	n=$((n + 1))
	! llvm-nm-19 "$o" | grep -q '\(getc\|putchar\)_unlocked' ||
		fail "main's optimized code calls getc_unlocked or putchar_unlocked ($o)"
done
[ "$n" -ge 1 ] || fail "no object holds main's optimized code: $(grep 'main' "$OUT")"
echo "ok       $n objects of main's optimized code, without the calls"
