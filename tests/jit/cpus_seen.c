/*
 * The CPUs a program is told of, three ways (sysconf, which reads
 * /sys/devices/system/cpu/online; its affinity; the CPU it runs on), then
 * enough work in a helper for the JIT to tier it up
 * (tests/boot/jit_compile_cpu.sh).
 */
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
	printf("online %ld affinity %d\n", sysconf(_SC_NPROCESSORS_ONLN), CPU_COUNT(&set));
	unsigned long h = 1;
	for (long i = 0; i < n; i++)
		h = step(h, i);
	printf("%lx on CPU %d\n", h, sched_getcpu());
	return 0;
}
