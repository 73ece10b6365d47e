# The front end without clang's driver (tools/cli/cc1.c): once the CLI
# knows cc1's command line for this clang (asked of the driver on the first
# run, kept in build/frontend.cc1), the sources compile in one cc1 a CPU,
# and what the program sees is the driver's: __FILE__ and __BASE_FILE__ of
# the sources and of their headers, for sources given with a directory,
# "./", "..", an absolute path or none; two sources of one name; static
# functions and struct tags of one name in two sources. Every output is the
# ahead-of-time build's. A warning is printed once, an error fails the run
# with clang's message, each naming the source as given; a source that
# names __TIMESTAMP__, and a damaged command line file, go to the driver.
# A clang-19 on PATH logs the driver's compiles.
. tests/boot/common.inc
real=$(command -v clang-19) || fail "no clang-19"
mkdir -p "$TMP/bin" "$TMP/w/c" "$TMP/w/d"
cat >"$TMP/bin/clang-19" <<END
#!/bin/sh
case " \$* " in *" -### "*) ;; *" -emit-llvm "*) echo "\$*" >>"$TMP/driver";; esac
exec "$real" "\$@"
END
chmod +x "$TMP/bin/clang-19"
PATH=$TMP/bin:$PATH
export PATH
driver() { if [ -e "$TMP/driver" ]; then grep -c . "$TMP/driver"; else echo 0; fi; }

cat >"$TMP/w/c/h.h" <<'END'
#pragma once
static const char *h_file(void) { return __FILE__; }
END
cat >"$TMP/w/c/z.h" <<'END'
#pragma once
#include "h.h"
struct pair { int a, b; };
END
cat >"$TMP/w/c/m.c" <<'END'
#include <stdio.h>
#include "z.h"
const char *n_file(void);
const char *d_file(void);
int d_value(void);
static int twice(int x) { return 2 * x; }
int main(void)
{
	struct pair p = {twice(3), d_value()};
	printf("%s %s %s %d %s %s %d %d\n", __FILE__, h_file(), __BASE_FILE__, __LINE__,
	       n_file(), d_file(), p.a, p.b);
	return p.a + p.b;
}
END
cat >"$TMP/w/c/n.c" <<'END'
#include "h.h"
const char *n_file(void) { return h_file(); }
END
cat >"$TMP/w/d/n.c" <<'END'
#include "../c/h.h"
struct pair { long x; char c[3]; };
static int twice(int x) { return 2 * x + 1; }
int d_value(void) { struct pair p = {twice(20), {0}}; return (int)p.x + (int)sizeof p; }
const char *d_file(void) { return h_file(); }
END

# same WHAT DIR SOURCES...: in DIR, jit and the ahead-of-time build of
# SOURCES give the same output and status, and no driver compiled.
same() {
	what=$1 dir=$2
	shift 2
	before=$(driver)
	(cd "$dir" && "$OLDPWD/bareflow" jit --hosted --cache off "$@") >"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	(cd "$dir" && "$real" -O1 -w -o "$TMP/aot" "$@") || fail "$what: cannot build"
	(cd "$dir" && "$TMP/aot") >"$TMP/want"
	want=$?
	[ "$STATUS" -eq "$want" ] || fail "$what: status $STATUS, ahead of time $want"
	cmp -s "$TMP/out" "$TMP/want" || fail "$what: output $(cat "$TMP/out"), not $(cat "$TMP/want")"
	[ "$(driver)" -eq "$before" ] || fail "$what: the driver compiled $(($(driver) - before))"
}

same_output() { cmp -s "$TMP/out" "$TMP/want" || fail "$1: output $(cat "$TMP/out")"; }

# the first run with this clang asks the driver for cc1's command line
(cd "$TMP/w" && "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/n.c d/n.c) \
	>"$TMP/out" 2>"$OUT"
[ "$(driver)" -eq 3 ] || fail "first run: the driver compiled $(driver), not 3"
grep -q '^/' build/frontend.cc1 || fail "no cc1 command line kept in build/frontend.cc1"
same "a directory" "$TMP/w" c/m.c c/n.c d/n.c
same "./" "$TMP/w" ./c/m.c ./c/n.c ./d/n.c
same ".." "$TMP/w/c" ../../w/c/m.c ../../w/c/n.c ../../w/d/n.c
same "absolute" "$TMP" "$TMP/w/c/m.c" "$TMP/w/c/n.c" "$TMP/w/d/n.c"
same "no directory" "$TMP/w/c" m.c n.c ../d/n.c

# a header reached under two names: in cc1, one process for several
# sources, a file's name is the one it was first read by, whoever reads it
# after; that is seen, and the driver compiles (here the two names are in
# one source, where the driver would say the first name too)
printf '#include "./h.h"\n#include "h.h"\nconst char *n_file(void) { return h_file(); }\n' \
	>"$TMP/w/c/x.c"
before=$(driver)
(cd "$TMP/w" && "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/x.c d/n.c) >"$TMP/out" 2>"$OUT"
(cd "$TMP/w" && "$real" -O1 -o "$TMP/aot" c/m.c c/x.c d/n.c && "$TMP/aot") >"$TMP/want"
same_output "another name"
grep -q "c/./h.h" "$TMP/out" || fail "another name: no c/./h.h in $(cat "$TMP/out")"
[ "$(driver)" -gt "$before" ] || fail "another name: the driver did not compile"

# a warning: said once, naming the source as given; the program runs
cat >"$TMP/w/c/warn.c" <<'END'
int d_value(void) { unsigned char c = 300; return c; }
const char *d_file(void) { return __FILE__; }
END
(cd "$TMP/w" && "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/n.c c/warn.c) \
	>"$TMP/out" 2>"$OUT"
STATUS=$?
(cd "$TMP/w" && "$real" -O1 -w -o "$TMP/aot" c/m.c c/n.c c/warn.c && "$TMP/aot") >"$TMP/want"
want=$?
[ "$STATUS" -eq "$want" ] || fail "a warning: status $STATUS, ahead of time $want"
same_output "a warning"
[ "$(grep -c "^c/warn.c:1:.*warning" "$OUT")" -eq 1 ] || fail "the warning was not said once"

# an error: clang's message, once, and status 1
printf 'int d_value(void) { return nope; }\n' >"$TMP/w/c/bad.c"
(cd "$TMP/w" && "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/n.c c/bad.c) >"$OUT" 2>&1
STATUS=$?
[ "$STATUS" -eq 1 ] || fail "a compile error: status $STATUS, not 1"
[ "$(grep -c "^c/bad.c:1:.*error" "$OUT")" -eq 1 ] || fail "the error was not said once"

# __TIMESTAMP__ would be the copy's: that source goes to the driver
cat >"$TMP/w/c/stamp.c" <<'END'
int d_value(void) { return sizeof __TIMESTAMP__; }
const char *d_file(void) { return ""; }
END
before=$(driver)
(cd "$TMP/w" && "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/n.c c/stamp.c) \
	>"$TMP/out" 2>"$OUT"
n=$(($(driver) - before))
[ "$n" -eq 1 ] || fail "__TIMESTAMP__: the driver compiled $n, not 1"

# a damaged command line file: the driver compiles, and it is made again
head -c 100 build/frontend.cc1 >"$TMP/cut" && cat "$TMP/cut" >build/frontend.cc1
before=$(driver)
(cd "$TMP/w" && "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/n.c d/n.c) \
	>"$TMP/out" 2>"$OUT"
(cd "$TMP/w" && "$real" -O1 -o "$TMP/aot" c/m.c c/n.c d/n.c && "$TMP/aot") >"$TMP/want"
same_output "damaged"
n=$(($(driver) - before))
[ "$n" -eq 3 ] || fail "damaged: the driver compiled $n, not 3"
same "mended" "$TMP/w" c/m.c c/n.c d/n.c
echo ok
