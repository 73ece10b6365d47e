# The front end without clang's driver (tools/cli/cc1.c): once the CLI
# knows cc1's command line for this clang (asked of the driver on the first
# run, kept in build/frontend.cc1), the sources compile in one cc1 a CPU,
# and what the program sees is the driver's. Each case runs as it comes and
# on one CPU (taskset), where one cc1 compiles all the sources of a
# directory: __FILE__, __BASE_FILE__ and __TIMESTAMP__ of the sources and
# of their headers, for sources given with a directory, "./", "..", an
# absolute path or none; static functions and struct tags of one name in
# two sources of one directory. Every output and status is the
# ahead-of-time build's, and the driver compiles nothing. What cc1 would
# carry from one source to the next goes to the driver, and the output is
# still the ahead-of-time build's: a header reached under two names (a
# source that says "./" itself is put with no other source: a cc1 of its
# own where it is its directory's only source or a CPU is spare, else the
# driver's alone), a diagnostic pragma (the next source's warning is said,
# once). A warning is
# said once, an error fails the run with clang's message, once; a header in
# another directory does not find a header of the sources' directory
# (which the driver never looks in for it). A damaged command line file
# goes to the driver, and is made again. A clang-19 on PATH logs the
# driver's compiles.
. tests/boot/common.inc
real=$(command -v clang-19) || fail "no clang-19"
kept=build/frontend.cc1
[ -e "$kept" ] && cp "$kept" "$TMP/kept"
# this clang's command line is not left behind (the next run would ask again)
trap 'if [ -e "$TMP/kept" ]; then cp "$TMP/kept" "$kept"; else rm -f "$kept"; fi
rm -rf "$OUT" "$TMP"' EXIT
mkdir -p "$TMP/bin" "$TMP/w/c/sub" "$TMP/w/d"
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
static const char *h_stamp(void) { return __TIMESTAMP__; }
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
int n_value(void);
int d_value(void);
static int twice(int x) { return 2 * x; }
int main(void)
{
	struct pair p = {twice(3), d_value() + n_value()};
	printf("%s %s %s %d %s %s %d %d %s %s\n", __FILE__, h_file(), __BASE_FILE__, __LINE__,
	       n_file(), d_file(), p.a, p.b, h_stamp(), __TIMESTAMP__);
	return p.a + p.b;
}
END
cat >"$TMP/w/c/n.c" <<'END'
#include "h.h"
struct pair { long x; char c[3]; };
static int twice(int x) { return 2 * x + 1; }
const char *n_file(void) { return h_file(); }
int n_value(void) { struct pair p = {twice(20), {0}}; return (int)p.x + (int)sizeof p; }
END
cat >"$TMP/w/d/n.c" <<'END'
#include "../c/h.h"
int d_value(void) { return 5; }
const char *d_file(void) { return h_file(); }
END
touch -d '2020-02-02 12:00' "$TMP/w/c/h.h" "$TMP/w/c/m.c"

# jit WHAT DIR SOURCES...: in DIR, jit the sources as they come (ONE_CPU
# set: on one CPU); the output and status must be the ahead-of-time
# build's; $n is what the driver compiled
jit() {
	what=$1 dir=$2
	shift 2
	before=$(driver)
	(cd "$dir" && $ONE_CPU "$OLDPWD/bareflow" jit --hosted --cache off "$@") \
		>"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	(cd "$dir" && "$real" -O1 -w -o "$TMP/aot" "$@") || fail "$what: cannot build"
	(cd "$dir" && "$TMP/aot") >"$TMP/want"
	want=$?
	[ "$STATUS" -eq "$want" ] || fail "$what: status $STATUS, ahead of time $want"
	cmp -s "$TMP/out" "$TMP/want" || fail "$what: output $(cat "$TMP/out"), not $(cat "$TMP/want")"
	n=$(($(driver) - before))
}
# same WHAT DIR SOURCES...: jit, as it comes and on one CPU, without the driver
same() {
	for ONE_CPU in "" "taskset -c 0"; do
		jit "$@"
		[ "$n" -eq 0 ] || fail "$1 (${ONE_CPU:-as it comes}): the driver compiled $n"
	done
}
# driver WHAT DIR SOURCES...: jit on one CPU, where the driver must compile
to_driver() {
	ONE_CPU="taskset -c 0"
	jit "$@"
	[ "$n" -gt 0 ] || fail "$1: the driver did not compile"
}

# the first run with this clang asks the driver for cc1's command line
(cd "$TMP/w" && "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/n.c d/n.c) >"$TMP/out" 2>"$OUT"
[ "$(driver)" -eq 3 ] || fail "first run: the driver compiled $(driver), not 3"
grep -q '^/' "$kept" || fail "no cc1 command line kept in $kept"
same "a directory" "$TMP/w" c/m.c c/n.c d/n.c
same "./" "$TMP/w" ./c/m.c ./c/n.c ./d/n.c
same ".." "$TMP/w/c" ../../w/c/m.c ../../w/c/n.c ../../w/d/n.c
same "absolute" "$TMP" "$TMP/w/c/m.c" "$TMP/w/c/n.c" "$TMP/w/d/n.c"
same "no directory" "$TMP/w/c" m.c n.c ../d/n.c

# a header under two names in one cc1: the later source would get the
# first name; here "./h.h", which the make rule writes as "h.h", and
# "sub/../h.h". A source that says "./" itself is put with no other: on
# one CPU, where the others' groups take the CPU, the driver compiles it
# and no other source (its group would have compiled all three, then left
# them to the driver); so is one whose header says it (its includes are
# read before the groups are made)
printf '#include "./h.h"\nconst char *n_file(void) { return h_file(); }\n' >"$TMP/w/c/dot.c"
printf 'int n_value(void) { return 1; }\n' >"$TMP/w/c/val.c"
to_driver "./h.h" "$TMP/w/c" m.c dot.c val.c ../d/n.c
[ "$n" -eq 1 ] || fail "./h.h: the driver compiled $n sources, not dot.c alone"
printf '#include "./h.h"\n' >"$TMP/w/c/dotted.h"
printf '#include "dotted.h"\nconst char *n_file(void) { return h_file(); }\n' >"$TMP/w/c/via.c"
to_driver "./h.h in a header" "$TMP/w/c" m.c via.c val.c ../d/n.c
[ "$n" -eq 1 ] || fail "./h.h in a header: the driver compiled $n sources, not via.c alone"
printf '#include "sub/../h.h"\nconst char *n_file(void) { return h_file(); }\n' >"$TMP/w/c/up.c"
to_driver "sub/../h.h" "$TMP/w" c/m.c c/up.c c/val.c d/n.c
# such a source has a cc1 of its own where it is the only source of its
# directory, on one CPU as on more, and with a CPU that no group takes
mkdir -p "$TMP/w/e" "$TMP/w/f"
printf '#pragma once\nstatic const char *f_file(void) { return __FILE__; }\n' >"$TMP/w/e/f.h"
cp "$TMP/w/e/f.h" "$TMP/w/f/f.h"
cat >"$TMP/w/e/main.c" <<'END'
#include <stdio.h>
#include "f.h"
const char *odd_file(void);
int main(void) { printf("%s %s\n", f_file(), odd_file()); return 0; }
END
printf '#include "./f.h"\nconst char *odd_file(void) { return f_file(); }\n' >"$TMP/w/e/odd.c"
cp "$TMP/w/e/odd.c" "$TMP/w/f/odd.c"
same "./f.h, alone in its directory" "$TMP/w" e/main.c f/odd.c
# (two CPUs where the machine lets this run have them: taskset drops one
# it may not use, and nproc follows OMP_NUM_THREADS)
if [ "$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT taskset -c 0,1 nproc 2>/dev/null)" = 2 ]; then
	ONE_CPU="taskset -c 0,1"
	jit "./f.h, two CPUs" "$TMP/w/e" main.c odd.c
	[ "$n" -eq 0 ] || fail "./f.h, two CPUs: the driver compiled $n with a CPU to spare"
fi

# a diagnostic pragma in one source holds in cc1 for the next
cat >"$TMP/w/c/quiet.c" <<'END'
#pragma clang diagnostic ignored "-Wconstant-conversion"
const char *n_file(void) { return "quiet"; }
END
printf 'int n_value(void) { unsigned char c = 300; return c; }\n' >"$TMP/w/c/loud.c"
to_driver "a pragma" "$TMP/w" c/m.c c/quiet.c c/loud.c d/n.c
said=$(grep -c "^c/loud.c:1:.*warning" "$OUT")
[ "$said" -eq 1 ] || fail "a pragma: loud.c's warning was said $said times, not once"

# ... written across a line's end
cat >"$TMP/w/c/quiet2.c" <<'END'
#pragma clang diag\
nostic ignored "-Wconstant-conversion"
const char *n_file(void) { return "q"; }
END
to_driver "a pragma across lines" "$TMP/w" c/m.c c/quiet2.c c/loud.c d/n.c
said=$(grep -c "^c/loud.c:1:.*warning" "$OUT")
[ "$said" -eq 1 ] || fail "a pragma across lines: loud.c's warning was said $said times, not once"

# a source that another includes (under another name): its __FILE__
cat >"$TMP/w/c/one.c" <<'END'
static const char *one_name(void) { return __FILE__; }
#ifndef INCLUDED
const char *one_file(void) { return one_name(); }
#endif
END
cat >"$TMP/w/c/inc.c" <<'END'
#define INCLUDED
#include "../c/one.c"
const char *inc_file(void) { return one_name(); }
END
cat >"$TMP/w/c/onemain.c" <<'END'
#include <stdio.h>
const char *one_file(void), *inc_file(void);
int main(void) { printf("%s %s\n", one_file(), inc_file()); return 0; }
END
to_driver "a source included" "$TMP/w" c/onemain.c c/inc.c c/one.c
to_driver "a source included, after" "$TMP/w" c/onemain.c c/one.c c/inc.c
mkdir -p "$TMP/w/e"
printf 'const char *e_file(void) { return __FILE__; }\n' >"$TMP/w/e/g0.c"
printf 'const char *e_file(void);\nint d_value(void) { return (int)sizeof e_file(); }\n' \
	>"$TMP/w/e/g1.c"
printf 'const char *d_file(void) { return "d"; }\n' >"$TMP/w/d/only.c"
# sources named like the work files of another group
same "names" "$TMP/w" c/m.c c/n.c e/g1.c e/g0.c d/only.c

# a file that __has_include finds in one source and another enters: a
# change to it (here its removal) is a miss for both
mkdir -p "$TMP/w/f/inc"
printf 'int x_value = 1;\n' >"$TMP/w/f/inc/x.h"
printf '#include "inc/x.h"\nint d_value(void) { return x_value; }\n' >"$TMP/w/f/a.c"
cat >"$TMP/w/f/b.c" <<'END'
#if __has_include("inc/x.h")
int n_value(void) { return 1; }
#else
int n_value(void) { return 2; }
#endif
const char *n_file(void) { return "b"; }
const char *d_file(void) { return "b"; }
END
cat >"$TMP/w/f/main.c" <<'END'
#include <stdio.h>
int n_value(void);
int main(void) { printf("%d\n", n_value()); return 0; }
END
# (also with "__has_include" split by a backslash at a line's end)
sed 's/__has_include/__has_\\\ninclude/' "$TMP/w/f/b.c" >"$TMP/w/f/b2.c"
grep -q '^include(' "$TMP/w/f/b2.c" || fail "no split __has_include in b2.c"
for b in b b2; do
	rm -rf "$TMP/cache"
	printf 'int x_value = 1;\n' >"$TMP/w/f/inc/x.h"
	sleep 0.05 # a file written in the tick the compile starts in is not kept
	(cd "$TMP/w" && taskset -c 0 "$OLDPWD/bareflow" jit --hosted --cache "$TMP/cache" f/main.c \
		f/a.c f/$b.c) >"$TMP/out" 2>"$OUT"
	[ "$(cat "$TMP/out")" = 1 ] || fail "__has_include ($b): $(cat "$TMP/out"), not 1"
	[ "$(ls "$TMP/cache/frontend" | wc -l)" -eq 3 ] || fail "__has_include ($b): not 3 entries kept"
	rm "$TMP/w/f/inc/x.h"
	sleep 0.05
	(cd "$TMP/w" && "$OLDPWD/bareflow" jit --hosted --cache "$TMP/cache" f/main.c f/$b.c) \
		>"$TMP/out" 2>"$OUT"
	[ "$(cat "$TMP/out")" = 2 ] || fail "__has_include ($b), gone: $(cat "$TMP/out"), not 2"
done

# an include of a macro, behind a comment: it could build a "./" name
cat >"$TMP/w/c/macro.c" <<'END'
#define STR(x) #x
#define XSTR(x) STR(x)
#/**/include XSTR(./h.h)
const char *n_file(void) { return h_file(); }
END
to_driver "#/**/include" "$TMP/w/c" m.c macro.c val.c ../d/n.c

# one file as two sources: the second would have the first's name
printf '__attribute__((weak)) const char *n_file(void) { return __FILE__; }\n' >"$TMP/w/c/weak.c"
ln -s weak.c "$TMP/w/c/weak2.c"
to_driver "one file twice" "$TMP/w" c/m.c c/weak.c c/weak2.c c/val.c d/n.c

# a warning: said once; an error: said once, status 1
printf 'const char *n_file(void) { return "n"; }\n' >"$TMP/w/c/plain.c"
for ONE_CPU in "" "taskset -c 0"; do
	jit "a warning" "$TMP/w" c/m.c c/plain.c c/loud.c d/n.c
	said=$(grep -c "^c/loud.c:1:.*warning" "$OUT")
	[ "$said" -eq 1 ] || fail "a warning: said $said times, not once"
	printf 'int n_value(void) { return nope; }\n' >"$TMP/w/c/bad.c"
	(cd "$TMP/w" && $ONE_CPU "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/plain.c \
		c/bad.c d/n.c) >"$OUT" 2>&1
	STATUS=$?
	[ "$STATUS" -eq 1 ] || fail "a compile error: status $STATUS, not 1"
	said=$(grep -c "^c/bad.c:1:.*error" "$OUT")
	[ "$said" -eq 1 ] || fail "a compile error: said $said times, not once"
done

# sub/x.h includes "only.h", which is in c/ alone: not found, as by the driver
printf '#include "only.h"\n' >"$TMP/w/c/sub/x.h"
printf 'int only;\n' >"$TMP/w/c/only.h"
printf '#include "sub/x.h"\nint n_value(void) { return only; }\n' >"$TMP/w/c/deep.c"
ONE_CPU="taskset -c 0"
(cd "$TMP/w" && $ONE_CPU "$OLDPWD/bareflow" jit --hosted --cache off c/m.c c/plain.c c/deep.c \
	d/n.c) >"$OUT" 2>&1
STATUS=$?
[ "$STATUS" -eq 1 ] || fail "a header's include: status $STATUS, not 1"
grep -q "^c/sub/x.h:1:.*'only.h' file not found" "$OUT" || fail "a header's include was found"

# a damaged command line file: the driver compiles, and it is made again
head -c 100 "$kept" >"$TMP/cut" && cat "$TMP/cut" >"$kept"
ONE_CPU=
jit "damaged" "$TMP/w" c/m.c c/n.c d/n.c
[ "$n" -eq 3 ] || fail "damaged: the driver compiled $n, not 3"
same "mended" "$TMP/w" c/m.c c/n.c d/n.c
echo ok
