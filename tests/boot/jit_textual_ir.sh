# Textual LLVM IR (a .ll file) runs under the runtime as its bitcode does,
# although the JIT's context keeps no names of values inside functions
# (LLVM's text parser refuses such a context: the text is read in one of
# its own); a .ll that does not parse is refused with the parser's message.
. tests/boot/common.inc
rt=build/runtime/bareflow-rt
# with the names of local values kept, which the runtime's context drops
clang-19 -O3 -Xclang -disable-llvm-passes -U__OPTIMIZE__ -emit-llvm -c -g0 \
	-fno-discard-value-names -o "$TMP/prog.bc" tests/jit/structs.c || fail "clang failed"
llvm-dis-19 -o "$TMP/prog.ll" "$TMP/prog.bc" || fail "llvm-dis failed"
grep -q '^define ' "$TMP/prog.ll" || fail "llvm-dis wrote no function"
grep -q '^ *%[a-z][a-z_.]* = ' "$TMP/prog.ll" || fail "the IR has no named values"

run "$rt" --cache off "$TMP/prog.bc" -- structs
want=$STATUS # the program's own (a checksum's low bits)
[ "$want" -lt 125 ] || fail "the .bc did not run (status $want)"
expect_no_output "^bareflow-rt:"
cp "$OUT" "$TMP/want.out"
grep -q . "$TMP/want.out" || fail "the .bc printed nothing"
run "$rt" --cache off "$TMP/prog.ll" -- structs
expect_status "$want"
cmp -s "$OUT" "$TMP/want.out" || fail "the .ll's output differs from the .bc's"

# at fixed tiers too: every function compiled from the text's module
run "$rt" --cache off --opt 3 "$TMP/prog.ll" -- structs
expect_status "$want"
cmp -s "$OUT" "$TMP/want.out" || fail "the .ll's -O3 output differs from the .bc's"

# a syntax error: refused, naming the file, before anything runs
sed 's/^define /defne /' "$TMP/prog.ll" >"$TMP/bad.ll"
run "$rt" --cache off "$TMP/bad.ll" -- structs
expect_status 126
expect_output "^bareflow-rt: $TMP/bad.ll: not valid LLVM IR ($TMP/bad.ll:[0-9]*:[0-9]*: error: expected top-level entity"
first=$(head -n 1 "$TMP/want.out")
expect_no_output "$first"

# IR that parses but does not verify (a use its definition does not
# dominate): refused with the verifier's message, before anything runs
printf 'define i32 @main() {\n  %%a = add i32 %%b, 1\n  %%b = add i32 1, 1\n  ret i32 %%a\n}\n' \
	>"$TMP/unverified.ll"
run "$rt" --cache off "$TMP/unverified.ll" -- unverified
expect_status 126
expect_output "^bareflow-rt: $TMP/unverified.ll: not valid LLVM IR (it does not verify: Instruction does not dominate all uses"
