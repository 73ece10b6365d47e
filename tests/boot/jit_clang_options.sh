# jit's options for clang (tools/cli/main.c, frontend_option): -I, -D, -U
# (attached or as the next word), -include and -std= reach clang's front
# end in order, as in a clang build of the same sources, whose output is
# the oracle; a header in a directory only -I names, a macro only -D
# defines, one -U removes, a file -include adds, __STDC_VERSION__ from
# -std=. The front end's cache keys on them: the same source with another
# -D is compiled again; with -I or -include it is not used (it does not
# watch -I's directories: a header made in the first shadows one found in
# the second, and the next run must see it). -lm and -lpthread need nothing, before
# the inputs or among them (not program arguments there); another -l, -I
# without a value and -O2 are usage errors (2) with a reason. -W options
# and -w reach clang. Bare-metal too.
. tests/boot/common.inc
mkdir -p "$TMP/src" "$TMP/inc/cfg" || fail "mkdir"
cat >"$TMP/inc/cfg/limits.h" <<'EOF'
#define LIMIT 1000
EOF
cat >"$TMP/forced.h" <<'EOF'
static const char forced[] = "forced";
EOF
cat >"$TMP/src/main.c" <<'EOF'
#include <math.h>
#include <stdio.h>
#include "cfg/limits.h"
#ifndef SCALE
#error SCALE is not defined
#endif
int main(void)
{
	double s = 0;
	for (int i = 1; i <= LIMIT; i++)
		s += sqrt((double)i) * SCALE;
#ifdef GONE
	puts("GONE is defined");
#endif
	printf("%s %ld %.3f\n", forced, (long)__STDC_VERSION__, s);
	return 0;
}
EOF
flags="-I $TMP/inc -D SCALE=3 -DGONE -UGONE -include $TMP/forced.h -std=c11"
clang-19 -O2 $flags -o "$TMP/oracle" "$TMP/src/main.c" -lm || fail "clang failed"
"$TMP/oracle" >"$TMP/want" || fail "the clang build failed"
grep -q '^forced 201112 ' "$TMP/want" || fail "oracle: $(cat "$TMP/want")"

run ./bareflow jit --hosted $flags -lm -lpthread "$TMP/src/main.c"
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
expect_no_output "GONE"

# the front end's cache (on by default) is keyed on the flags too
printf '#include <stdio.h>\nint main(void) { printf("%%d\\n", SCALE * 7); return 0; }\n' \
	>"$TMP/src/scale.c"
run ./bareflow jit --hosted -DSCALE=1 "$TMP/src/scale.c"
expect_status 0
expect_output "^7\$"
run ./bareflow jit --hosted -D SCALE=2 "$TMP/src/scale.c"
expect_status 0
expect_output "^14\$"

# with -I the cache is not used: it does not watch -I's directories, where
# a header made later shadows one found before
mkdir -p "$TMP/first/cfg" || fail "mkdir"
run ./bareflow jit --hosted -I "$TMP/first" -I "$TMP/inc" -DSCALE=1 -include "$TMP/forced.h" \
	"$TMP/src/main.c"
expect_status 0
one=$(cat "$OUT")
echo '#define LIMIT 10' >"$TMP/first/cfg/limits.h"
run ./bareflow jit --hosted -I "$TMP/first" -I "$TMP/inc" -DSCALE=1 -include "$TMP/forced.h" \
	"$TMP/src/main.c"
expect_status 0
two=$(cat "$OUT")
clang-19 -O2 -I "$TMP/first" -I "$TMP/inc" -DSCALE=1 -include "$TMP/forced.h" -o "$TMP/oracle2" \
	"$TMP/src/main.c" -lm || fail "clang failed"
[ "$two" = "$("$TMP/oracle2")" ] || fail "a shadowing header: $two, clang's $("$TMP/oracle2")"
[ "$one" != "$two" ] || fail "the header made in the first -I directory was not seen: $two"

# without -D SCALE, the program's own #error
run ./bareflow jit --hosted -I "$TMP/inc" -include "$TMP/forced.h" "$TMP/src/main.c"
expect_status 1
expect_output "SCALE is not defined"

run ./bareflow jit --hosted -lfoo "$TMP/src/main.c"
expect_status 2
expect_output "^bareflow: -lfoo: the JIT links the program's own code with the C library"
run ./bareflow jit --hosted -l foo "$TMP/src/main.c"
expect_status 2
expect_output "^bareflow: -lfoo: the JIT links"
run ./bareflow jit --hosted -I
expect_status 2
expect_output "^bareflow: -I needs a value"
run ./bareflow jit --hosted -O2 "$TMP/src/main.c"
expect_status 2
expect_output "^bareflow: unknown option '-O2' for jit: the JIT picks its optimization itself"

# clang's warnings as a build asks for them: -W options and -w reach
# clang (-Werror makes a warning the compile's error, exit 1); -Wl, and
# the like, which pass options on to tools the JIT does not run, are
# refused, and so are -Wframe-larger-than= and -Wstack-usage=, which the
# code generator checks (the runtime's, on every tier's code, while the
# program runs)
printf '#include <stdio.h>\nint main(void)\n{\n\tint unused;\n\tputs("ran");\n\treturn 0;\n}\n' \
	>"$TMP/src/warns.c"
run ./bareflow jit --hosted --cache off -Wall "$TMP/src/warns.c"
expect_status 0
expect_output "warning: unused variable 'unused'"
expect_output "^ran\$"
run ./bareflow jit --hosted --cache off -Wall -Werror "$TMP/src/warns.c"
expect_status 1
expect_output "error: unused variable 'unused'"
expect_no_output "^ran"
run ./bareflow jit --hosted --cache off -Wall -w "$TMP/src/warns.c"
expect_status 0
expect_no_output "warning"
run ./bareflow jit --hosted -Wl,--gc-sections "$TMP/src/warns.c"
expect_status 2
expect_output "^bareflow: -Wl,--gc-sections: the JIT runs no separate preprocessor, assembler or linker"
run ./bareflow jit --hosted -Wframe-larger-than=1000 "$TMP/src/warns.c"
expect_status 2
expect_output "^bareflow: -Wframe-larger-than=1000: the code generator checks it"

# -l among the inputs, as a build line puts it after its sources: a
# library the runtime provides, not the program's first argument; "--"
# still starts ARGS; another -l word there (ls's -la) starts ARGS, as any
# other word does, and so is -lm after it; before the inputs a library the
# runtime lacks is refused
cat >"$TMP/src/args.c" <<'EOF'
#include <stdio.h>
int twice(int x);
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("arg %s\n", argv[i]);
	return twice(argc);
}
EOF
echo 'int twice(int x) { return 2 * x; }' >"$TMP/src/twice.c"
run ./bareflow jit --hosted --cache off "$TMP/src/args.c" -lm "$TMP/src/twice.c" -lpthread -- -lm x
expect_status 6
expect_output "^arg -lm\$"
expect_output "^arg x\$"
run ./bareflow jit --hosted --cache off "$TMP/src/args.c" "$TMP/src/twice.c" -lm y
expect_status 4
expect_output "^arg y\$"
expect_no_output "^arg -lm"
run ./bareflow jit --hosted --cache off "$TMP/src/args.c" "$TMP/src/twice.c" -la -lm
expect_status 6
expect_output "^arg -la\$"
expect_output "^arg -lm\$"
run ./bareflow jit --hosted -lz "$TMP/src/args.c"
expect_status 2
expect_output "^bareflow: -lz: the JIT links the program's own code with the C library"

run ./bareflow jit --timeout 600 $flags "$TMP/src/main.c"
expect_status 0
expect_output "^$(cat "$TMP/want")\$"
echo ok
