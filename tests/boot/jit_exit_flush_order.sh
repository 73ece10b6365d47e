# At the program's exit its streams are flushed in the order libc's exit
# flushes them (the last opened first, then stderr, stdout): with
# stderr fully buffered, a program that wrote stdout and then stderr shows
# stderr's text first, natively. The runtime flushed stdout on its own
# first (runtime/main.c, finish). Hosted, both streams to one file,
# compared with the clang build's.
. tests/boot/common.inc
cat >"$TMP/order.c" <<-'END'
	#include <stdio.h>
	int main(void)
	{
		static char buf[256];
		setvbuf(stderr, buf, _IOFBF, sizeof buf);
		printf("out\n");
		fprintf(stderr, "err\n");
		return 0;
	}
END
clang-19 -O2 -o "$TMP/oracle" "$TMP/order.c" || fail "clang failed"
"$TMP/oracle" >"$TMP/want" 2>&1 || fail "the clang build failed"
./bareflow jit --hosted --cache off "$TMP/order.c" >"$TMP/got" 2>&1
STATUS=$?
cp "$TMP/got" "$OUT"
expect_status 0
cmp -s "$TMP/want" "$TMP/got" || fail "the order differs from the clang build's: $(tr '\n' ' ' <"$TMP/want")"
echo "ok       $(tr '\n' ' ' <"$TMP/got")"
