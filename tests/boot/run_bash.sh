# Debian's bash-static, a program nobody here wrote, running scripts that
# need no child process (nothing forks): stdout and the exit status must be
# the same natively and under `bareflow run`. Scripts come on stdin (`bash
# -s`), natively through a pipe too, since bash reads a script from a pipe
# byte by byte and its `read` then takes the script's own next lines. On a
# mismatch the run is repeated with --strace to name the system calls that
# returned ENOSYS. With arguments (case names), only those cases run.
. tests/boot/common.inc
BASH_BIN=/bin/bash-static
[ -x "$BASH_BIN" ] || fail "$BASH_BIN is missing: run 'make setup' (package bash-static)"
mkdir -p build/bash
D=build/bash
ONLY="$*"
failures=0
cases=0

# with_dir DIR CMD [ARGS...]: run CMD with each argument @DIR@ replaced by DIR.
with_dir() (
	dir=$1
	shift
	for a; do
		shift
		[ "$a" = @DIR@ ] && a=$dir
		set -- "$@" "$a"
	done
	"$@"
)

# check NAME STATUS INPUT ARGS...: run bash with ARGS and INPUT piped to it
# natively (where it must exit with STATUS, proof the case is right), and
# with INPUT on stdin under bareflow. @DIR@ in ARGS is a scratch directory.
check() {
	name=$1 want=$2 input=$3
	shift 3
	if [ -n "$ONLY" ]; then
		case " $ONLY " in *" $name "*) ;; *) return ;; esac
	fi
	cases=$((cases + 1))
	cat "$input" | with_dir "$TMP" env -i "$BASH_BIN" "$@" >$D/$name.native 2>$D/$name.native.err
	native=$?
	with_dir /tmp ./bareflow run --timeout 120 "$BASH_BIN" "$@" <"$input" >$D/$name.bare 2>$D/$name.bare.err
	bare=$?
	if [ "$native" -ne "$want" ]; then
		failures=$((failures + 1))
		echo "FAIL $name: natively status $native, not $want: the case is wrong on this host"
		head -3 $D/$name.native.err | sed 's/^/    stderr: /'
		return
	fi
	if [ "$bare" -eq "$native" ] && cmp -s $D/$name.native $D/$name.bare; then
		echo "ok   $name (status $bare)"
		return
	fi
	failures=$((failures + 1))
	echo "FAIL $name: native status $native, bareflow status $bare"
	diff $D/$name.native $D/$name.bare | head -8 | sed 's/^/    /'
	grep -v '^\[' $D/$name.bare.err | head -4 | sed 's/^/    stderr: /'
	with_dir /tmp ./bareflow run --strace --timeout 120 "$BASH_BIN" "$@" <"$input" >/dev/null 2>$D/$name.strace
	missing=$(sed -n 's/^\[strace\] \([a-z0-9_]*\)(.*) = -ENOSYS$/\1/p' $D/$name.strace | sort -u | tr '\n' ' ')
	echo "    returned ENOSYS: ${missing:-none}"
}

# Short scripts given with -c (bareflow's arguments hold no newline) read
# their input from stdin.
printf 'alpha beta gamma\nsecond line\n' >$D/two-lines.txt
: >$D/empty

check builtins 3 tests/bash/builtins.bash -s
check redirections 4 tests/bash/redirections.bash -s @DIR@
check c-read 3 $D/two-lines.txt -c 'read -r a b c; echo "$c|$b|$a"; read -r l; echo "${l^^}"; exit 3'
check c-exit-300 44 $D/empty -c 'exit 300'
check c-syntax-error 2 $D/empty -c 'if then fi'
check c-set-e 1 $D/empty -c 'set -e; echo before; false; echo after'
check c-trap-exit 5 $D/empty -c 'trap "echo trap ran" EXIT; echo body; exit 5'
echo "bash: $((cases - failures)) of $cases cases the same"
[ "$failures" -eq 0 ]
