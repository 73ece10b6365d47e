# Assembly that names the program's symbols, at every tier (runtime/jit/
# ir.c, ir_asm_names): tests/jit/asm_names.c (module assembly that defines
# global functions, called from a hot loop; variables and functions,
# static ones too, that assembly names) and tests/jit/asm_macros.c (module
# assembly with no global symbol: a macro and a constant the inline
# assembly of hot functions uses, a .set alias). Hosted, compiling on the
# program's thread: the output must be the clang build's, the hot
# functions must get -O3 code (tier-up or OSR), and no compile may fail
# ("cannot compile ... keeps its code" would mean the assembly was missing,
# or defined twice, in a version's module), which the output alone would
# not show.
. tests/boot/common.inc
for prog in asm_names:sum_add3 asm_macros:twice_bump; do
	name=${prog%%:*} hot=${prog#*:}
	clang_oracle "tests/jit/$name.c"
	run ./bareflow jit --hosted --cache off --compile-threads 0 --log-tiers "tests/jit/$name.c"
	expect_status 0
	expect_output "^$want\$"
	expect_no_output "cannot compile"
	expect_no_output "cannot link"
	grep -q "\(tier-up\|OSR\) $hot: tier 0 -> 2" "$OUT" || fail "$hot got no -O3 code"
	echo "ok       $name: $want"
done
