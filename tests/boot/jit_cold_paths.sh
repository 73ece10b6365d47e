# A hot function's version holds the bodies it may inline, and the
# optimizer works on all of them, inlined in the end or not. Here a tiny
# accessor (req, through get) checks its index, and its error path, before
# abort(), calls the first of a chain of 300 small functions, each calling
# the next two: the version of req held all 300 (50,000 IR instructions,
# 680 ms to compile), and the cost model, predicting that from their size,
# held req back: it stayed at tier 0 for 140 million calls. A call on the
# way to unreachable is now followed by no version (ir_keep_reached in
# runtime/jit/ir.c), nor counted in the compile's size (jit_version_size),
# and the bodies past a callee's callees count against a budget. Here
# req, get and main's loop must get -O3 code within 3 million calls
# (--compile-threads 0: in the order the policy asks), and the output
# equal the clang build's. req's may be inside get's: get's version then
# holds req (a private copy, its only caller), which no call reaches
# again (on a loaded machine the cycles, which count the waits, can make
# get and main's loop hot first, before req has run its rent).
. tests/boot/common.inc
src=$TMP/cold.c
awk 'BEGIN {
	n = 300
	print "#include <stdio.h>\n#include <stdlib.h>\nvolatile long sink;"
	for (i = 0; i < n; i++)
		printf "long cold%d(long x);\n", i
	for (i = 0; i < n; i++) {
		printf "long cold%d(long x)\n{\n\tlong a = x, b = x ^ %d;\n", i, i
		for (k = 0; k < 12; k++)
			printf "\ta = a * %d + (b >> %d);\n\tb ^= a + %d;\n", k + 3, k % 7, k
		if (i + 1 < n)
			printf "\tif (a & 1)\n\t\ta += cold%d(b);\n", i + 1
		if (i + 2 < n)
			printf "\tif (b & 2)\n\t\ta -= cold%d(a);\n", i + 2
		print "\treturn a ^ b;\n}"
	}
	print "struct s {\n\tlong *v, n;\n};"
	print "long *req(struct s *s, long i)\n{\n\tif (i < 0 || i >= s->n) {"
	print "\t\tsink = cold0(i);\n\t\tabort();\n\t}\n\treturn &s->v[i];\n}"
	print "long get(struct s *s, long i)\n{\n\treturn *req(s, i);\n}"
	print "int main(void)\n{\n\tstatic long v[1000];\n\tstruct s s = {v, 1000};"
	print "\tfor (int i = 0; i < 1000; i++)\n\t\tv[i] = i * 7;\n\tlong acc = 0;"
	print "\tfor (long k = 0; k < 3000000; k++)\n\t\tacc += get(&s, k % 1000) ^ k;"
	print "\tprintf(\"%ld\\n\", acc);\n\treturn 0;\n}"
}' >"$src" || fail "cannot write the program"
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers --report "$src"
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
expect_output "tier-up get: tier 0 -> 2"
expect_output "OSR main: tier 0 -> 2"
if ! grep -q "tier-up req: tier 0 -> 2" "$OUT"; then
	at=$(sed -n 's/.*tier-up get: tier 0 -> 2 .* from call \([0-9]*\) .*/\1/p' "$OUT")
	calls=$(awk '$1 == "req" { sub(/\+$/, "", $2); print $2 }' "$OUT")
	[ -n "$at" ] && [ -n "$calls" ] || fail "req has no -O3 code, and no counts to say it is get's: '$at' '$calls'"
	[ "$calls" -le "$at" ] ||
		fail "req has no -O3 code: called $calls times, get's code went in at call $at"
fi
echo ok
