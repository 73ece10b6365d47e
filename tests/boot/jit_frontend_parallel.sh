# The front end's driver compiles the sources side by side, as many at
# once as there are CPUs and a few more, and starts the next one as soon as
# any has ended, not the oldest. (The driver compiles where cc1's command
# line for this clang is not known, which the clang below does not tell:
# jit_frontend_cc1.sh tests cc1's compiles.) A clang-19 on PATH logs each compile's start and
# end and, for the first source (slow.c), waits until every other one has
# ended (at most 60 s) before it compiles: there are more sources than run
# at once, so the run ends with slow.c last only if the later ones did not
# wait for it. The run's output is the ahead-of-time build's; and a source
# that does not compile still fails the run with clang's message.
. tests/boot/common.inc
real=$(command -v clang-19) || fail "no clang-19"
mkdir -p "$TMP/bin" "$TMP/src"
cat >"$TMP/bin/clang-19" <<END
#!/bin/sh
# only the front end's compiles (-emit-llvm) are logged and held: a make
# that ran would compile through here too; and this clang does not say
# what cc1 would run (-###), so that the CLI's compiles are the driver's
for a in "\$@"; do case \$a in -###) exit 1;; esac; done
src=
for a in "\$@"; do case \$a in -emit-llvm) src=-;; esac; done
[ -n "\$src" ] || exec "$real" "\$@"
for a in "\$@"; do case \$a in *.c) src=\$(basename "\$a");; esac; done
echo "start \$src" >>"$TMP/log"
if [ "\$src" = slow.c ]; then
	waited=0
	while [ "\$(grep -c '^end ' "$TMP/log")" -lt "\$OTHERS" ] && [ \$waited -lt 600 ]; do
		sleep 0.1
		waited=\$((waited + 1))
	done
fi
"$real" "\$@"
e=\$?
echo "end \$src" >>"$TMP/log"
exit \$e
END
chmod +x "$TMP/bin/clang-19"
PATH=$TMP/bin:$PATH
export PATH OTHERS
# more sources than run at once (the CLI's compiles_at_once: CPUs plus
# up to 4 more, at most 64), so that some must wait for a place
cpus=$(getconf _NPROCESSORS_ONLN)
n=$((cpus + (cpus < 4 ? cpus : 4)))
[ "$n" -gt 64 ] && n=64
n=$((n + 2))
OTHERS=$((n + 1)) # the parts and main.c
printf 'int slow(void) { return 1; }\n' >"$TMP/src/slow.c"
: >"$TMP/src/main.c"
i=1
while [ "$i" -le "$n" ]; do
	printf 'int part%d(void) { return %d; }\n' "$i" "$i" >"$TMP/src/part$i.c"
	printf 'int part%d(void);\n' "$i" >>"$TMP/src/main.c"
	i=$((i + 1))
done
{
	printf '#include <stdio.h>\nint slow(void);\nint main(void)\n{\n\tint s = slow();\n'
	i=1
	while [ "$i" -le "$n" ]; do
		printf '\ts += part%d();\n' "$i"
		i=$((i + 1))
	done
	printf '\tprintf("sum %%d\\n", s);\n\treturn 0;\n}\n'
} >>"$TMP/src/main.c"
set -- "$TMP/src/slow.c"
i=1
while [ "$i" -le "$n" ]; do
	set -- "$@" "$TMP/src/part$i.c"
	i=$((i + 1))
done
run ./bareflow jit --hosted --cache off "$@" "$TMP/src/main.c"
expect_status 0
expect_output "^sum $((1 + n * (n + 1) / 2))$"
[ "$(grep -c '^end ' "$TMP/log")" -eq $((n + 2)) ] || { cat "$TMP/log" >>"$OUT"; fail "expected $((n + 2)) compiles"; }
[ "$(tail -n 1 "$TMP/log")" = "end slow.c" ] ||
	{ cat "$TMP/log" >>"$OUT"; fail "a compile waited for slow.c to end, not for any to end"; }

# a source that does not compile, after the slow one: its error, status 1
printf 'int broken(void) { return }\n' >"$TMP/src/part2.c"
rm -f "$TMP/log"
OTHERS=1 # slow.c waits for one other: after a failure, few more start
run ./bareflow jit --hosted --cache off "$@" "$TMP/src/main.c"
expect_status 1
expect_output "part2.c:1:.*error"
echo ok
