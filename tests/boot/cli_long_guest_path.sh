# A 5,000-character guest path booted, the kernel could not unpack it, and
# bareflow exited 125 with the path printed twice. The CLI now refuses a
# guest path longer than 4095 bytes (PATH_MAX - 1) or with a name longer
# than 255 (NAME_MAX) with 2 and one line, before QEMU starts; the longest
# path the guest holds still works.
. tests/boot/common.inc
cat >"$TMP/cat.c" <<'END'
#include <stdio.h>
int main(int argc, char **argv)
{
	FILE *f = fopen(argv[1], "r");
	int c;
	if (!f)
		return 1;
	while ((c = getc(f)) != EOF)
		putchar(c);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/cat" "$TMP/cat.c" || fail "clang failed"
printf 'found\n' >"$TMP/data"
name=$(printf '%0254d' 0) # 254 bytes
dir=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do dir=$dir/$name; done # 4080 bytes
max=$dir/12345678901234 # 4095 bytes

fake_qemu
for bad in "$max"x "$dir/$dir" "/$name$name"; do
	run ./bareflow run --file "$TMP/data:$bad" "$TMP/cat" "$bad"
	expect_status 2
	expect_output "^bareflow: --file $TMP/data: the guest path /0000"
	[ "$(wc -l <"$OUT")" -eq 1 ] || fail "more than one line"
	[ ! -e "$TMP/args" ] || fail "QEMU was started"
	run ./bareflow jit --file "$TMP/data:$bad" tests/jit/recursion.c
	expect_status 2
done
expect_output "has a name of 508 bytes; the guest's limit is 255 (NAME_MAX)"
run ./bareflow run --file "$TMP/data:$max"x "$TMP/cat"
expect_output "is 4096 bytes long; the guest's limit is 4095 (PATH_MAX - 1)"

unset BAREFLOW_QEMU
run ./bareflow run --file "$TMP/data:$max" "$TMP/cat" "$max"
expect_status 0
expect_output "^found$"
