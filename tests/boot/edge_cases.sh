# Edge cases in the spirit of xv6's usertests (tests/edge): each program
# checks Linux's behaviour itself, printing "ok NAME" or "FAIL NAME: detail"
# and exiting 0 only if every check passed. Each runs natively first (a
# failure there means the test is wrong on this host) and then under
# `bareflow run`. `fault MODE` must die with SIGSEGV (139) both times.
# With arguments (program names or fault modes), only those run.
. tests/boot/common.inc
mkdir -p build/edge
# A stdin with data, for the read() cases; Linux consumes none of it when a
# read faults, so 4 KiB is plenty. Natively it comes through a pipe, which
# like bareflow's serial line cannot seek.
yes 'edge-case stdin' | head -c 4096 >build/edge/stdin.bin
FAULT_MODES="null-read null-write write-rodata write-text write-after-mprotect read-prot-none
	read-after-munmap read-kernel-half read-kernel-image write-kernel-image read-noncanonical
	exec-stack exec-heap exec-data exec-rodata exec-mmap-rw exec-revoked stack-overflow"
failures=0

wanted() { [ -z "$ONLY" ] || case " $ONLY " in *" $1 "*) true ;; *) false ;; esac; }
ONLY="$*"

for src in tests/edge/*.c; do
	name=$(basename "$src" .c)
	bin=build/edge/$name
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ tests/edge/edge.h -nt "$bin" ]; then
		clang-19 -static -O1 -fno-omit-frame-pointer -o "$bin" "$src" || fail "cannot build $src"
	fi
	[ "$name" = fault ] && continue
	wanted "$name" || continue
	cat build/edge/stdin.bin | env -i timeout 120 "$bin" >"$bin.native.out" 2>&1
	native=$?
	cat build/edge/stdin.bin | ./bareflow run --timeout 300 "$bin" >"$bin.bare.out" 2>"$bin.bare.err"
	bare=$?
	checks=$(grep -c -E '^(ok|FAIL) ' "$bin.native.out")
	if [ "$native" -ne 0 ]; then
		echo "FAIL $name natively (status $native): the test is wrong on this host"
		grep -v '^ok ' "$bin.native.out" | head -20 | sed 's/^/    /'
		failures=$((failures + 1))
	elif [ "$bare" -ne 0 ]; then
		bad=$(grep -c '^FAIL ' "$bin.bare.out")
		summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$bin.bare.out")
		echo "FAIL $name under bareflow (status $bare): ${summary:-no summary}"
		grep '^FAIL ' "$bin.bare.out" | head -30 | sed 's/^/    /'
		[ "$bad" -gt 30 ] && echo "    ... and $((bad - 30)) more in $bin.bare.out"
		grep -v '^\[' "$bin.bare.err" | head -5 | sed 's/^/    stderr: /'
		failures=$((failures + 1))
	else
		echo "ok   $name ($checks checks)"
	fi
done

for mode in $FAULT_MODES; do
	wanted "$mode" || wanted fault || continue
	env -i timeout 60 build/edge/fault "$mode" >build/edge/fault.native.out 2>&1
	native=$?
	./bareflow run --timeout 60 build/edge/fault "$mode" >build/edge/fault.bare.out 2>build/edge/fault.bare.err
	bare=$?
	if [ "$native" -ne 139 ]; then
		echo "FAIL fault $mode natively: status $native, not 139 (the test is wrong on this host)"
		failures=$((failures + 1))
	elif [ "$bare" -ne 139 ]; then
		echo "FAIL fault $mode under bareflow: status $bare, not 139"
		sed 's/^/    stdout: /' build/edge/fault.bare.out | head -3
		head -3 build/edge/fault.bare.err | sed 's/^/    stderr: /'
		failures=$((failures + 1))
	else
		echo "ok   fault $mode (SIGSEGV both)"
	fi
done
[ "$failures" -eq 0 ]
