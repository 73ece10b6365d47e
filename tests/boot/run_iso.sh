# run --iso OUT: no boot, a GRUB ISO holding the kernel, the application's
# archive and a grub.cfg with the run's command line (each word quoted for
# GRUB); an OUT that cannot be written is a clear usage error.
. tests/boot/common.inc
fake_qemu # must not be started
printf 'not really an ELF\n' >"$TMP/prog"
chmod 755 "$TMP/prog"
printf 'data\n' >"$TMP/data"
mkdir "$TMP/work"
t=$(cd "$TMP" && pwd -P)

(cd "$TMP/work" && "$OLDPWD/bareflow" run --iso ../out.iso --env 'A=x y' --file ../data:/srv/data \
	../prog 'two words' 'q"uo\te' "it's" '$HOME;x') >"$OUT" 2>&1 </dev/null
STATUS=$?
expect_status 0
[ "$(cat "$OUT")" = "bareflow: wrote ../out.iso" ] || fail "expected only 'bareflow: wrote ../out.iso'"
[ ! -e "$TMP/args" ] || fail "QEMU was started"
[ -s "$TMP/out.iso" ] || fail "no ISO written"

xorriso -indev "$TMP/out.iso" -find /boot -type f >"$OUT" 2>/dev/null || fail "xorriso cannot read the ISO"
for f in /boot/bareflow.elf /boot/app.cpio /boot/grub/grub.cfg; do
	expect_output "^'$f'$"
done
mkdir "$TMP/x"
for f in bareflow.elf app.cpio grub/grub.cfg; do
	xorriso -osirrox on -indev "$TMP/out.iso" -extract "/boot/$f" "$TMP/x/$(basename "$f")" \
		>/dev/null 2>&1 || fail "cannot extract /boot/$f"
done
cmp -s build/bareflow.elf "$TMP/x/bareflow.elf" || fail "the ISO's kernel is not build/bareflow.elf"

# grub.cfg: boots at once; the kernel command line's words, unquoted, each in
# GRUB's single quotes (GRUB re-quotes them for the kernel).
{
	printf '%s\n' 'set timeout=0' 'set default=0' 'menuentry "BareFlow" {'
	printf '\tmultiboot2 /boot/bareflow.elf %s\n' \
		"'run'"
	printf '\tmodule2 /boot/app.cpio\n\tboot\n}\n'
} >"$TMP/want.cfg"
diff "$TMP/want.cfg" "$TMP/x/grub.cfg" >"$OUT" || fail "grub.cfg differs (want/got)"

# The archive: the same as a booted run's.
list_cpio "$TMP/x/app.cpio" >"$OUT" || fail "the archive is malformed"
expect_output "^100644 5 srv/data$"
expect_output "^100755 18 ${t#/}/prog$"
expect_output "^40755 0 ${t#/}/work$"

# Where the ISO cannot go: exit 2, nothing written, an existing file untouched.
printf 'keep me\n' >"$TMP/keep.iso"
run ./bareflow run --iso "$TMP/no/such/dir/out.iso" "$TMP/prog"
expect_status 2
expect_output "^bareflow: --iso $TMP/no/such/dir/out.iso: No such file or directory"
run ./bareflow run --iso "$TMP/work" "$TMP/prog"
expect_status 2
expect_output "Is a directory"
run ./bareflow run --iso "$TMP/keep.iso/x.iso" "$TMP/prog"
expect_status 2
expect_output "Not a directory"
run ./bareflow run --iso "" "$TMP/prog"
expect_status 2
run ./bareflow run "$TMP/prog" --iso
expect_status 0 # after the program, --iso is one of its arguments
[ -e "$TMP/args" ] || fail "expected a boot with '--iso' as an argument"
rm -f "$TMP/args"
run ./bareflow run --iso
expect_status 2
expect_output "needs a value"
# The arguments travel in the archive, so GRUB's quoting never touches
# them: even empty ones and "--" are fine.
run ./bareflow run --iso "$TMP/args.iso" "$TMP/prog" a "" --
expect_status 0
[ "$(cat "$TMP/keep.iso")" = "keep me" ] || fail "a failed --iso touched the existing file"
# A missing program or --file fails as without --iso.
run ./bareflow run --iso "$TMP/new.iso" --file "$TMP/nope" "$TMP/prog"
expect_status 127
[ ! -e "$TMP/new.iso" ] || fail "an ISO was written after an error"
[ ! -e "$TMP/args" ] || fail "QEMU was started"
# No temporary files are left behind.
mkdir "$TMP/t"
TMPDIR=$TMP/t run ./bareflow run --iso "$TMP/new.iso" "$TMP/prog"
expect_status 0
[ -z "$(ls -A "$TMP/t")" ] || fail "temporary files left behind: $(ls -A "$TMP/t")"
