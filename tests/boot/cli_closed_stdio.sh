# With its stderr closed (2>&-), bareflow exited 125 without a word even for
# hello; with its stdout closed, the program's stdout landed on stderr. A
# closed stream now gets /dev/null, so the program's output goes where a
# native program's would (nowhere) and its status is its own.
. tests/boot/common.inc
cat >"$TMP/both.c" <<'END'
#include <stdio.h>
int main(void)
{
	int c = getchar(); /* EOF with stdin closed */
	printf("to stdout\n");
	fprintf(stderr, "to stderr\n");
	return c == EOF ? 3 : 4;
}
END
clang-19 -static -O1 -o "$TMP/both" "$TMP/both.c" || fail "clang failed"

for cli in ./bareflow build/bareflow-cli; do
	"$cli" run "$TMP/both" 2>&- >"$OUT" </dev/null
	STATUS=$?
	expect_status 3
	[ "$(cat "$OUT")" = "to stdout" ] || fail "$cli, stderr closed: stdout is not the program's"

	"$cli" run "$TMP/both" >&- 2>"$OUT" </dev/null
	STATUS=$?
	expect_status 3
	[ "$(cat "$OUT")" = "to stderr" ] || fail "$cli, stdout closed: stderr is not the program's"

	"$cli" run "$TMP/both" <&- >"$OUT" 2>&1
	STATUS=$?
	expect_status 3
	expect_output "to stdout"

	"$cli" run "$TMP/both" <&- >&- 2>&-
	STATUS=$?
	expect_status 3
done
