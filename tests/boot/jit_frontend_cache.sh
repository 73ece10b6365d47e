# The front end's cache: a second `jit` of the same C files takes their
# bitcode from the cache instead of running clang again, and gives the same
# output. A clang-19 on PATH that logs its runs and then runs the real one
# counts the compiles. Editing the source or a header it includes (also
# one reached through a symbolic link and ".."), a header appearing that
# __has_include looks for, an edit while clang runs, --cache off,
# --cache-clear, a damaged entry, clang's warnings, or a source that reads
# the clock (__DATE__) compiles again; every output is the ahead-of-time
# build's, and warnings are printed on every run. The compiles are the
# driver's on the first run with this clang, then cc1's (cc1.c).
. tests/boot/common.inc
real=$(command -v clang-19) || fail "no clang-19"
mkdir -p "$TMP/bin" "$TMP/src"
# The driver, and cc1 (the CLI runs the command line the driver's -###
# names, which this driver makes ours), each log what they compile.
cat >"$TMP/bin/clang-19" <<END
#!/bin/sh
for a in "\$@"; do
	[ "\$a" = "-###" ] || continue
	"$real" "\$@" 2>&1 | sed 's|^ "[^"]*" "-cc1" | "$TMP/bin/cc1" "-cc1" |'
	exit
done
echo "driver \$*" >>"$TMP/clang-runs"
if [ -n "\$EDIT_WHILE_COMPILING" ]; then
	"$real" "\$@" || exit
	echo "\$EDIT_WHILE_COMPILING" >>"$TMP/src/area.c"
	exit 0
fi
exec "$real" "\$@"
END
cc1=$(dirname "$(readlink -f "$real")")/clang
[ -x "$cc1" ] || fail "no $cc1"
cat >"$TMP/bin/cc1" <<END
#!/bin/sh
echo "cc1 \$*" >>"$TMP/clang-runs"
if [ -n "\$EDIT_WHILE_COMPILING" ]; then
	"$cc1" "\$@" || exit
	echo "\$EDIT_WHILE_COMPILING" >>"$TMP/src/area.c"
	exit 0
fi
exec "$cc1" "\$@"
END
chmod +x "$TMP/bin/clang-19" "$TMP/bin/cc1"
# this clang's cc1 command line is not left behind in build/
kept=build/frontend.cc1
[ -e "$kept" ] && cp "$kept" "$TMP/kept"
trap 'if [ -e "$TMP/kept" ]; then cp "$TMP/kept" "$kept"; else rm -f "$kept"; fi
rm -rf "$OUT" "$TMP"' EXIT
PATH=$TMP/bin:$PATH
export PATH
cat >"$TMP/src/shape.h" <<'END'
#define SIDE 7
END
cat >"$TMP/src/main.c" <<'END'
#include <stdio.h>
#include "shape.h"
int area(int);
int main(void) { printf("%d %d\n", SIDE, area(SIDE)); return SIDE; }
END
cat >"$TMP/src/area.c" <<'END'
int area(int side) { return side * side; }
END
C=$TMP/cache
# the sources compiled: one a driver run (-emit-llvm), and each of a cc1's (the words
# after its "-x c")
runs() {
	[ -e "$TMP/clang-runs" ] || { echo 0; return; }
	awk '$1 == "driver" && / -emit-llvm / { n++ }
	     $1 == "cc1" { for (i = 2; i < NF; i++) if ($i == "-x" && $(i + 1) == "c") n += NF - i - 1 }
	     END { print n + 0 }' "$TMP/clang-runs"
}

# jit WHAT COMPILES [OPTIONS...]: run the program hosted; its stdout and
# status must be the ahead-of-time build's, and clang-19 must have run
# COMPILES times.
jit() {
	what=$1 want_runs=$2
	shift 2
	# a file written in the clock tick the compile starts in counts as
	# changed while it ran (and is not kept): the edits come a tick before
	sleep 0.05
	before=$(runs)
	./bareflow jit --hosted --cache "$C" "$@" "$TMP/src/main.c" "$TMP/src/area.c" \
		>"$TMP/out" 2>"$OUT" </dev/null
	STATUS=$?
	"$real" -O2 -o "$TMP/aot" "$TMP/src/main.c" "$TMP/src/area.c" 2>/dev/null || fail "$what: cannot build"
	"$TMP/aot" >"$TMP/want"
	want=$?
	[ "$STATUS" -eq "$want" ] || fail "$what: status $STATUS, ahead of time $want"
	cmp -s "$TMP/out" "$TMP/want" || fail "$what: output $(cat "$TMP/out"), not $(cat "$TMP/want")"
	n=$(($(runs) - before))
	[ "$n" -eq "$want_runs" ] || { cat "$TMP/clang-runs" >>"$OUT"; fail "$what: clang ran $n times, expected $want_runs"; }
}

jit "cold" 2
grep -q '^cc1 ' "$TMP/clang-runs" && fail "cold: cc1 ran before its command line was known"
[ "$(ls "$C/frontend" | wc -l)" -eq 2 ] || fail "expected 2 entries in $C/frontend"
jit "warm" 0
echo "#define SIDE 9" >"$TMP/src/shape.h"
jit "a header changed" 1
grep -q '^cc1 ' "$TMP/clang-runs" || fail "no cc1 ran once its command line was known"
jit "warm again" 0
echo "int area(int side) { return side * side + 1; }" >"$TMP/src/area.c"
jit "a source changed" 1
jit "off" 2 --cache off
jit "cleared" 2 --cache-clear
for f in "$C"/frontend/*; do
	head -c 200 "$f" >"$f.cut" && mv "$f.cut" "$f"
done
jit "damaged entries" 2
jit "mended" 0
# The same source under another name is another entry (__FILE__ differs).
cp "$TMP/src/area.c" "$TMP/src/area2.c"
sleep 0.05
./bareflow jit --hosted --cache "$C" "$TMP/src/main.c" "$TMP/src/area2.c" >"$TMP/out" 2>"$OUT"
[ "$(ls "$C/frontend" | wc -l)" -eq 3 ] || fail "expected 3 entries in $C/frontend"

# An edit while clang runs: what it compiled is not kept.
EDIT_WHILE_COMPILING="int later;" jit "edited while compiling" 1
jit "after the edit" 1
jit "kept since" 0

# A header reached through a symbolic link and "..": its real path counts.
mkdir -p "$TMP/real"
ln -s ../real "$TMP/src/link"
echo "#define EXTRA 1" >"$TMP/extra.h"
cat >"$TMP/src/main.c" <<'END'
#include <stdio.h>
#include "shape.h"
#include "link/../extra.h"
int area(int);
int main(void) { printf("%d %d %d\n", SIDE, area(SIDE), EXTRA); return EXTRA; }
END
jit "through a link" 2 # the new link changed src/, where area.c is
echo "#define EXTRA 2" >"$TMP/extra.h"
jit "the linked header changed" 1

# A header that __has_include looks for appears.
cat >"$TMP/src/main.c" <<'END'
#include <stdio.h>
#if __has_include("local.h")
#include "local.h"
#else
#define LOCAL 0
#endif
int area(int);
int main(void) { printf("%d %d\n", LOCAL, area(3)); return LOCAL; }
END
jit "no local.h" 1
jit "no local.h, kept" 0
echo "#define LOCAL 4" >"$TMP/src/local.h"
jit "local.h appeared" 2 # area.c is in src/ too

# Warnings are said every time, so such a compile is not kept. cc1 compiles
# it first, and says nothing: whatever it prints, the driver compiles the
# source again and says it (2 compiles).
cat >"$TMP/src/main.c" <<'END'
#include <stdio.h>
#warning "a warning for the cache test"
int area(int);
int main(void) { printf("%d\n", area(5)); return 0; }
END
jit "a warning" 2
said=$(grep -c 'warning: "a warning for the cache test' "$OUT")
[ "$said" -eq 1 ] || fail "the warning was printed $said times, not once"
jit "a warning again" 2
said=$(grep -c 'warning: "a warning for the cache test' "$OUT")
[ "$said" -eq 1 ] || fail "the warning was printed $said times again, not once"

cat >"$TMP/src/main.c" <<'END'
#include <stdio.h>
#include "shape.h"
int area(int);
int main(void) { printf("%d %d %d\n", SIDE, area(SIDE), (int)sizeof __DATE__); return 0; }
END
jit "the clock, cold" 1 # area.c is kept
jit "the clock, never kept" 1
[ "$(stat -c %a "$C/frontend")" = 700 ] || fail "the cache's directory is not the user's alone"
