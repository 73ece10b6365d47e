# Bare-metal `jit` keeps a CPU for the runtime's compiles where the host
# has one to spare beyond --cpus: QEMU gets one more, the kernel keeps it
# from the program (its threads start without it; /sys/devices/system/cpu
# leaves it out), and the runtime's compiler thread runs there. The
# program prints the CPUs it is told of (sysconf, which reads
# /sys/devices/system/cpu/online; its affinity), those there are
# (possible, the runtime's too) and the one it ran on,
# after work enough for tier-ups (at fixed thresholds, with a compiler
# thread, so that there are compiles on any machine); its result must be
# the clang build's. --compile-cpu off, no compiler thread (--thresholds
# alone compiles on the program's thread) and --cpus at the host's count
# keep none; --compile-cpu is for a boot, auto or off.
. tests/boot/common.inc
src=$TMP/cpus_seen.c
cat >"$src" <<'END'
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static unsigned long step(unsigned long x, long i)
{
	return (x ^ (unsigned long)i) * 0x9e3779b97f4a7c15ul + (x >> 17);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 3000000;
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set))
		return 1;
	printf("online %ld possible %ld affinity %d\n", sysconf(_SC_NPROCESSORS_ONLN),
	       sysconf(_SC_NPROCESSORS_CONF), CPU_COUNT(&set));
	unsigned long h = 1;
	for (long i = 0; i < n; i++)
		h = step(h, i);
	printf("%lx on CPU %d\n", h, sched_getcpu());
	return 0;
}
END
clang-19 -O2 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" | sed -n 2p | cut -d' ' -f1 >"$TMP/want" || fail "the clang build failed"
host=$(getconf _NPROCESSORS_ONLN)
result() { # the program's result, the same as natively
	grep -qx "$(cat "$TMP/want") on CPU [0-9]*" "$OUT" || fail "$1: not the clang build's result"
}
kept() { # PROGRAM_CPUS: one more CPU booted, the last the runtime's
	expect_output "-smp $(($1 + 1)) "
	expect_output "^smp: CPU $1 is the JIT runtime's, for its compiles"
	expect_output "^online $1 possible $(($1 + 1)) affinity $1\$"
	expect_output "compiling in the background, on 1 thread, on a CPU the program is not given"
	expect_output "compiles: [1-9][0-9]* in the background (on CPU $1)"
	grep -q "^[0-9a-f]* on CPU \([0-9]\)\$" "$OUT" &&
		! grep -q "^[0-9a-f]* on CPU $1\$" "$OUT" || fail "the program ran on the runtime's CPU"
}
none() { # PROGRAM_CPUS
	expect_output "-smp $1 "
	expect_no_output "JIT runtime's"
	expect_output "^online $1 possible $1 affinity $1\$"
}

tiers="--thresholds 1000,100000,5000,1000000 --compile-threads 1"
run ./bareflow jit --verbose --log-tiers --cache off $tiers "$src"
expect_status 0
result "default"
if [ "$host" -ge 2 ]; then kept 1; else none 1; fi

run ./bareflow jit --verbose --log-tiers --cache off --compile-cpu off $tiers "$src"
expect_status 0
result "--compile-cpu off"
none 1

run ./bareflow jit --verbose --cache off --thresholds 1000,100000,5000,1000000 "$src"
expect_status 0
result "no compiler thread"
none 1

if [ "$host" -ge 2 ]; then
	run ./bareflow jit --verbose --log-tiers --cache off --cpus "$host" $tiers "$src"
	expect_status 0
	result "--cpus $host"
	none "$host"
fi

run ./bareflow jit --hosted --compile-cpu auto "$src"
expect_status 2
expect_output "--compile-cpu needs a boot: not with --hosted"
run ./bareflow jit --compile-cpu 1 "$src"
expect_status 2
expect_output "bad --compile-cpu '1': use auto or off"
echo ok
