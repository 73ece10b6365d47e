# run's boot module and command line, seen by a stand-in for QEMU: the
# archive holds the ELF at its absolute path, the --file files and every
# directory above them; the command line names cwd and exe; bad --file
# values fail early, before QEMU starts.
. tests/boot/common.inc
fake_qemu
root=$(pwd -P)
# The stand-in keeps a copy of the boot module (QEMU opens it as /dev/fd/N).
FAKE_CHECK='p=; for a in "$@"; do [ "$p" = -initrd ] && cat "$a" >"$FAKE_DIR/archive"; p=$a; done'
export FAKE_CHECK
printf 'not really an ELF\n' >"$TMP/prog"
chmod 755 "$TMP/prog"
mkdir -p "$TMP/data/sub"
printf 'one\n' >"$TMP/data/a.txt"
printf 'two\n' >"$TMP/data/sub/b.txt"
ln -s a.txt "$TMP/data/link"
printf 'three\n' >"$TMP/single"
t=$(cd "$TMP" && pwd -P)

# no_qemu: QEMU was not started.
no_qemu() { [ ! -e "$TMP/args" ] || fail "QEMU was started"; }

# Usage errors: exit 2, before QEMU.
for bad in "a:b" "$TMP/single:rel/path" ":/x" "$TMP/single:" "" ":"; do
	run ./bareflow run --file "$bad" "$TMP/prog"
	expect_status 2
	no_qemu
done
run ./bareflow run --file "$TMP/single:guest" "$TMP/prog"
expect_output "GUEST 'guest' must be an absolute path"
run ./bareflow run --file
expect_status 2
expect_output "needs a value"

# A missing HOST: 127 and the reason, like a missing program.
run ./bareflow run --file "$TMP/nope" "$TMP/prog"
expect_status 127
expect_output "^bareflow: --file $TMP/nope: No such file or directory"
no_qemu
run ./bareflow run --file "$TMP/nope:/x" "$TMP/prog"
expect_status 127
no_qemu
# A missing program still comes first, with its own message.
run ./bareflow run --file "$TMP/nope" "$TMP/no-prog"
expect_status 127
expect_output "^bareflow: $TMP/no-prog: No such file or directory"
run ./bareflow run "$TMP/data"
expect_status 126
expect_output "Is a directory"
# Special files cannot be copied.
mkfifo "$TMP/fifo"
run ./bareflow run --file "$TMP/fifo" "$TMP/prog"
expect_status 2
expect_output "fifo: not a regular file, directory or symlink"
no_qemu
rm "$TMP/fifo"
# Unreadable files: 126 (root reads everything, so only checked as a user).
if [ "$(id -u)" -ne 0 ]; then
	printf 'secret\n' >"$TMP/secret"
	chmod 000 "$TMP/secret"
	run ./bareflow run --file "$TMP/secret" "$TMP/prog"
	expect_status 126
	expect_output "Permission denied"
	rm -f "$TMP/secret"
fi

# The command line holds no arguments (not even with stdin, stdout and stderr
# off a terminal: no tty=); the archive's "!bareflow-args" entry has the
# working directory, the program's path, argc, argv (argv[0] as typed) and
# the environment, NUL-separated.
mkdir "$TMP/work"
(cd "$TMP/work" && "$root/bareflow" run --verbose --strace --env 'A=x y' \
	--file "../data:/srv/data" --file ../single --file ../single:/srv/data/a.txt \
	../prog 'two words' 'q"uo\te') >"$OUT" 2>&1 </dev/null
STATUS=$?
expect_status 0
grep -Fqx -- "run strace" "$TMP/args" || fail "QEMU did not get -append 'run strace'"
expect_output "^bareflow: running: .* -append 'run strace'$"
printf '%s\0' "$t/work" "$t/prog" 3 ../prog 'two words' 'q"uo\te' 'A=x y' >"$TMP/want.args"
cpio_data "$TMP/archive" '!bareflow-args' >"$TMP/got.args" || fail "no !bareflow-args entry"
cmp -s "$TMP/want.args" "$TMP/got.args" || fail "the !bareflow-args entry differs: $(od -c "$TMP/got.args" | head -5)"
expect_output "^bareflow: boot module: a cpio archive of [0-9]* bytes"
grep -qx -- -initrd "$TMP/args" || fail "no -initrd"
expect_arg "/dev/fd/[0-9]*"

# The archive QEMU got, entry by entry, in order (ls -l style modes).
list_cpio "$TMP/archive" >"$TMP/list" || { cat "$TMP/list"; fail "the archive is malformed"; }
rel=${t#/}
cat >"$TMP/want" <<EOF
40755 0 srv
40755 0 srv/data
100644 6 srv/data/a.txt
120777 5 srv/data/link
40755 0 srv/data/sub
100644 4 srv/data/sub/b.txt
EOF
# Directories above the host paths (the temporary directory's) come first.
dir=
for part in $(echo "$rel" | tr / ' '); do
	dir=${dir:+$dir/}$part
	echo "40755 0 $dir"
done >"$TMP/want.top"
printf '%s\n' "100755 18 $rel/prog" "100644 6 $rel/single" "40755 0 $rel/work" "0 0 TRAILER!!!" \
	"100400 $(wc -c <"$TMP/want.args") !bareflow-args" >"$TMP/want.end"
# The host's C.UTF-8 locale comes first when the host has it (glibc loads
# it for setlocale; a --file may replace it).
if [ -r /usr/lib/locale/C.utf8/LC_CTYPE ]; then
	printf '40755 0 %s\n' usr usr/lib usr/lib/locale
	find /usr/lib/locale/C.utf8 | while read -r p; do
		s=0
		[ -d "$p" ] || s=$(stat -c %s "$p")
		echo "$(printf '%o' "0x$(stat -c %f "$p")") $s ${p#/}"
	done
fi >"$TMP/want.locale"
cat "$TMP/want" "$TMP/want.top" "$TMP/want.end" "$TMP/want.locale" | LC_ALL=C sort -k3 >"$TMP/want.all"
LC_ALL=C sort -k3 "$TMP/list" >"$TMP/list.sorted"
diff "$TMP/want.all" "$TMP/list.sorted" >"$OUT" || fail "the archive's entries differ (want/got)"
# ... written in sorted order, so every directory precedes what it holds.
grep -v TRAILER "$TMP/list" | cut -d' ' -f3 >"$TMP/names"
LC_ALL=C sort -c "$TMP/names" 2>"$OUT" || fail "entries not in sorted order"
[ "$(tail -n 1 "$TMP/list")" = "0 0 TRAILER!!!" ] || fail "the trailer is not last"

# A --file naming the program itself is fine; the program still wins.
run ./bareflow run --file "$TMP/prog" --file "$TMP/single:$t/prog" "$TMP/prog"
expect_status 0
list_cpio "$TMP/archive" | grep -qx "100755 18 $rel/prog" || fail "the program was replaced"

# Arguments far longer than the kernel's 1 KiB command line, or with
# newlines, travel in the archive unchanged.
long=$(head -c 100000 /dev/zero | tr '\0' x)
run ./bareflow run --env "A=$long" "$TMP/prog" "$long" "two
lines"
expect_status 0
printf '%s\0' "$root" "$TMP/prog" 3 "$TMP/prog" "$long" "two
lines" "A=$long" >"$TMP/want.args"
cpio_data "$TMP/archive" '!bareflow-args' >"$TMP/got.args" || fail "no !bareflow-args entry"
cmp -s "$TMP/want.args" "$TMP/got.args" || fail "long arguments did not reach the archive intact"
