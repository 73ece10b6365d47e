#!/bin/sh
# Run every test layer and end with one "N passed, N failed" line:
#   1. host unit tests (build/unit/test_*), each printing its own summary;
#   2. the in-kernel suite, booted with ./bareflow selftest;
#   3. whole-system tests (tests/boot/*.sh), one test each.
# Expects `make all unit` to have been run (make test does).
cd "$(dirname "$0")/.." || exit 2
# No test uses KVM, even where there is one (see docs/testing.md).
BAREFLOW_TEST_KVM_DEVICE=/nonexistent/kvm
export BAREFLOW_TEST_KVM_DEVICE
passed=0
failed=0
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT

# count_summary NAME STATUS: add the "N passed, N failed" counts in $log. A
# missing summary, or an exit status that disagrees with it, is one failure.
count_summary() {
	line=$(tr -d '\r' <"$log" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $1: no summary line (exit status $2); last lines:"
		tail -n 40 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
		return
	fi
	echo "$1: $line (exit status $2)"
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $1: exit status $2 although no test failed; last lines:"
		tail -n 40 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	elif [ "$2" -eq 0 ] && [ "$f" -ne 0 ]; then
		echo "FAIL $1: exit status 0 although $f tests failed"
		failed=$((failed + 1))
	fi
}

echo "== host unit tests"
for t in build/unit/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	timeout 300 "$t" >"$log" 2>&1 </dev/null
	status=$?
	grep -E '^(FAIL|    )' "$log"
	count_summary "$(basename "$t")" "$status"
done

echo "== in-kernel tests (./bareflow selftest)"
./bareflow selftest >"$log" 2>&1 </dev/null
status=$?
grep -E '^(FAIL|    )' "$log"
count_summary selftest "$status"

echo "== whole-system tests (tests/boot)"
for t in tests/boot/*.sh; do
	name=$(basename "$t" .sh)
	if sh "$t" >"$log" 2>&1 </dev/null; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		tail -n 40 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
