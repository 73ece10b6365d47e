# jit's command line, seen by stand-ins for QEMU and for the runtime: usage
# errors, how inputs and the program's arguments are split, what the runtime
# is given (the same hosted and bare-metal), the boot archive, and the third
# serial port that carries --profile's file to the host.
. tests/boot/common.inc
fake_qemu
FAKE_CHECK='p=; for a in "$@"; do [ "$p" = -initrd ] && cat "$a" >"$FAKE_DIR/archive"; p=$a; done'
export FAKE_CHECK
# The stand-in runtime prints its arguments and environment, one a line;
# asked to --check bitcode, it notes which files in $TMP/checked.
cat >"$TMP/runtime" <<-'END'
	#!/bin/sh
	[ "$1" = --check ] && shift && printf '%s\n' "$@" >"${0%/*}/checked" && exit 0
	for a in "$@"; do printf 'arg %s\n' "$a"; done
	env | grep -v '^PWD=' | sort | sed 's/^/env /'
	exit 42
END
chmod +x "$TMP/runtime"
BAREFLOW_RUNTIME=$TMP/runtime
export BAREFLOW_RUNTIME
rt=$(cd "$TMP" && pwd)/runtime
mkdir "$TMP/t" "$TMP/src"
printf 'int main(void) { return 0; }\n' >"$TMP/src/prog.c"
printf 'int helper(void) { return 1; }\n' >"$TMP/src/helper.c"
clang-19 -emit-llvm -c -o "$TMP/src/lib.bc" "$TMP/src/helper.c" || fail "clang failed"
src=$(cd "$TMP/src" && pwd)

# Usage errors: exit 2 with the reason, before anything is compiled or run.
for bad in "--opt 4" "--opt fast" "--hosted --mem 1G" "--hosted --strace" \
	"--hosted --cpus 1" "--hosted --iso $TMP/x.iso" "--hosted --file $TMP/src:/src" \
	"--profile $TMP/p.json --iso $TMP/x.iso" "--thresholds 1,2,3" \
	"--thresholds 0,1,2,3" "--thresholds 5,1,2,3" "--thresholds 1,2,3,4x" \
	"--thresholds -1,2,3,4" "--thresholds 1,5,2,4"; do
	run ./bareflow jit $bad "$TMP/src/prog.c"
	expect_status 2
	expect_output "Try 'bareflow jit --help'"
done
run ./bareflow jit
expect_status 2
expect_output "no program given"
run ./bareflow jit prog.py
expect_status 2
expect_output "'prog.py' is not a program: give .c or .bc files"
run ./bareflow jit --hosted --strace "$TMP/src/prog.c"
expect_output "strace needs a boot: not with --hosted"
run ./bareflow run --hosted "$TMP/src/prog.c"
expect_status 2
expect_output "unknown option '--hosted'"
run ./bareflow jit --profile "$TMP/no/such/dir/p.json" "$TMP/src/prog.c"
expect_status 2
expect_output "no/such/dir/p.json: No such file or directory"
[ ! -e "$TMP/args" ] || fail "QEMU was started after a usage error"

# Hosted: the runtime's command line and environment (only --env), and its
# status. Inputs are the leading .c/.bc words; the first other word, or a
# "--" after them, starts the program's arguments.
TMPDIR=$TMP/t run ./bareflow jit --hosted --opt 3 --report --env A=1 --env 'B=x y' \
	"$TMP/src/prog.c" "$TMP/src/lib.bc" one -- two.c
expect_status 42
cat >"$TMP/want" <<-END
	arg --opt
	arg 3
	arg --report
	arg --cache
	arg $XDG_CACHE_HOME/bareflow
	arg $TMP/src/lib.bc
	arg --
	arg $TMP/src/prog
	arg one
	arg --
	arg two.c
	env A=1
	env B=x y
END
grep -v '^arg .*/prog\.bc$' "$OUT" | diff "$TMP/want" - || fail "hosted: the runtime's arguments"
grep -q "^arg $TMP/t/bareflow-jit\.[A-Za-z0-9]*/prog\.bc$" "$OUT" || fail "no compiled prog.bc"
[ -z "$(ls -A "$TMP/t")" ] || fail "temporary files left behind: $(ls -A "$TMP/t")"
run ./bareflow jit --hosted --thresholds 1,20,300,4000 --log-tiers "$TMP/src/lib.bc"
expect_output "^arg --thresholds$"
expect_output "^arg 1,20,300,4000$"
expect_output "^arg --log-tiers$"
run ./bareflow jit --hosted "$TMP/src/lib.bc" -- x.c
expect_output "^arg x.c$"
expect_output "^arg $TMP/src/lib$"
# The code cache's place: --cache DIR (made absolute) or off, else
# $XDG_CACHE_HOME/bareflow (only an absolute one), else ~/.cache/bareflow;
# --cache-clear is passed on. Bare-metal there is none yet.
(cd "$TMP" && run "$OLDPWD/bareflow" jit --hosted --cache rel/dir --cache-clear src/lib.bc
	grep -q "^arg $TMP/rel/dir$" "$OUT" && grep -q "^arg --cache-clear$" "$OUT") ||
	fail "--cache rel/dir --cache-clear: $(cat "$OUT")"
run ./bareflow jit --hosted --cache off "$TMP/src/lib.bc"
expect_output "^arg off$"
XDG_CACHE_HOME=relative HOME=$TMP/home run ./bareflow jit --hosted "$TMP/src/lib.bc"
expect_output "^arg $TMP/home/.cache/bareflow$"
run ./bareflow jit --cache "$TMP/c" "$TMP/src/lib.bc"
expect_status 2
expect_output "cache DIR needs --hosted: bare-metal runs have no code cache yet"
run ./bareflow jit --cache-clear "$TMP/src/lib.bc"
expect_status 2
expect_output "cache-clear needs --hosted"
# --verbose shows the command and passes --verbose on; --profile FILE
# itself is the runtime's file, emptied first.
printf 'stale\n' >"$TMP/p.json"
run ./bareflow jit --hosted --verbose --profile "$TMP/p.json" "$TMP/src/lib.bc"
expect_output "^bareflow: running: $rt --verbose --profile $TMP/p.json --cache $XDG_CACHE_HOME/bareflow $TMP/src/lib.bc -- "
expect_output "^arg --verbose$"
[ ! -s "$TMP/p.json" ] || fail "the profile file was not emptied"
# A missing --file is an error hosted too.
run ./bareflow jit --hosted --file "$TMP/nope" "$TMP/src/lib.bc"
expect_status 127
expect_output "^bareflow: --file $TMP/nope: No such file or directory"

# Bare-metal: QEMU boots the runtime with the bitcode files in its archive
# and the same arguments; no third serial port without --profile.
TMPDIR=$TMP/t run ./bareflow jit --opt 0 --env A=1 --file "$TMP/src/helper.c" \
	"$TMP/src/prog.c" "$TMP/src/lib.bc" one
expect_status 0
# The given .bc was checked on the host first; clang's own output was not.
[ "$(cat "$TMP/checked")" = "$TMP/src/lib.bc" ] || fail "checked: $(cat "$TMP/checked")"
! grep -q hostout "$TMP/args" || fail "a hostout port without --profile"
expect_arg 1024M
list_cpio "$TMP/archive" >"$TMP/list" || fail "bad archive: $(cat "$TMP/list")"
for entry in "${rt#/}" "${src#/}/lib.bc" "${src#/}/helper.c"; do
	grep -q " $entry$" "$TMP/list" || fail "no $entry in the archive: $(cat "$TMP/list")"
done
grep -q " ${TMP#/}/t/bareflow-jit\.[A-Za-z0-9]*/prog\.bc$" "$TMP/list" ||
	fail "no compiled prog.bc in the archive: $(cat "$TMP/list")"
cpio_data "$TMP/archive" '!bareflow-args' | tr '\0' '\n' | sed '1,2d;/prog\.bc$/d' >"$TMP/args.got"
cat >"$TMP/want" <<-END
	10
	$rt
	--opt
	0
	--cache
	off
	$TMP/src/lib.bc
	--
	$TMP/src/prog
	one
	A=1
END
diff "$TMP/want" "$TMP/args.got" || fail "bare-metal: the runtime's arguments"
[ -z "$(ls -A "$TMP/t")" ] || fail "temporary files left behind: $(ls -A "$TMP/t")"

# --profile: COM3 is a third serial port writing to the host file, which is
# emptied first; the runtime is told to write to /dev/hostout.
printf 'stale stale stale\n' >"$TMP/p.json"
FAKE_CHECK='p=; for a in "$@"; do [ "$p" = -initrd ] && cat "$a" >"$FAKE_DIR/archive"
	case $a in file,id=hostout,path=*) f=${a#*path=}; printf "{}" >>"${f%,append=on}" ;; esac
	p=$a; done' run ./bareflow jit --profile "$TMP/p.json" "$TMP/src/lib.bc"
expect_status 0
grep -A1 -x -- "-serial" "$TMP/args" | tail -n 1 | grep -qx chardev:hostout ||
	fail "COM3 is not the hostout chardev: $(cat "$TMP/args")"
grep -q '^file,id=hostout,path=/dev/fd/[0-9]*,append=on$' "$TMP/args" || fail "no hostout chardev"
[ "$(cat "$TMP/p.json")" = "{}" ] || fail "the profile file holds '$(cat "$TMP/p.json")'"
cpio_data "$TMP/archive" '!bareflow-args' | tr '\0' '\n' | grep -qx /dev/hostout ||
	fail "the runtime was not given --profile /dev/hostout"
