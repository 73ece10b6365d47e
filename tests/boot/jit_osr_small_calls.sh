# OSR code inlines a small helper without loops that makes calls, whether or
# not the helper has code of its own yet (runtime/jit/whole.c,
# small_no_loops): tests/jit/tiers/osr_small_calls.c, hosted. main's loop
# is entered by OSR long before emit, called every eighth iteration, is
# hot; --log-tiers's OSR line must name emit as inlined, and the output
# must equal the clang build's. Before, emit stayed a call through its stub
# in the OSR code, to the end of the run. (40,000,000 iterations: at 4,000,000
# a loaded machine left the background compile unfinished at the exit, and
# no OSR line to look at.)
. tests/boot/common.inc
src=tests/jit/tiers/osr_small_calls.c
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" 40000000 >"$TMP/want" || fail "the clang build failed"
for threads in 0 1; do
	run ./bareflow jit --hosted --cache off --compile-threads $threads --log-tiers "$src" -- 40000000
	expect_status 0
	expect_output "^$(cat "$TMP/want")\$"
	case $(grep "OSR main:" "$OUT") in
	*", inlining "*emit*) ;;
	*) fail "main's OSR code did not inline emit ($threads compile threads): $(grep "OSR main:" "$OUT")" ;;
	esac
	echo "ok       emit inlined in main's OSR code ($threads compile threads)"
done
