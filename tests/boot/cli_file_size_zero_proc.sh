# `--file /proc/self/status` reached the guest empty: procfs files say their
# size is 0 and make their data as they are read. Such files are now read
# whole when the archive is built (a real empty file stays empty).
. tests/boot/common.inc
cat >"$TMP/cat.c" <<'END'
#include <stdio.h>
int main(int argc, char **argv)
{
	FILE *f = fopen(argv[1], "r");
	int c, n = 0;
	if (!f)
		return 1;
	while ((c = getc(f)) != EOF)
		putchar(c), n++;
	printf("[%d bytes]\n", n);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/cat" "$TMP/cat.c" || fail "clang failed"
: >"$TMP/empty"
run ./bareflow run --file /proc/self/status --file /proc/version:/v --file "$TMP/empty:/e" \
	"$TMP/cat" /proc/self/status
expect_status 0
expect_output "^Name:	bareflow-cli$" # the CLI's own, read as it built the archive
expect_no_output "^\[0 bytes\]"
run ./bareflow run --file /proc/version:/v "$TMP/cat" /v
expect_status 0
[ "$(head -n 1 "$OUT")" = "$(cat /proc/version)" ] || fail "/proc/version differs"
run ./bareflow run --file "$TMP/empty:/e" "$TMP/cat" /e
expect_status 0
expect_output "^\[0 bytes\]$"
