/*
 * A scripting engine's inner loop: three guest programs (a prime sieve,
 * recursive Fibonacci, Collatz step counts) assembled to bytecode and run
 * by both interpreters, which must agree.
 * usage: vm [SCALE]   (default 8)
 */
#include <stdio.h>
#include <stdlib.h>

#include "vm.h"

struct guest {
	const char *name;
	void (*build)(struct program *p);
	int64_t (*argument)(long scale);
};

static int64_t sieve_arg(long scale) { return scale * 6000 < VM_MEM ? scale * 6000 : VM_MEM; }
static int64_t fib_arg(long scale) { return scale < 55 ? 16 + scale / 5 : 27; }
static int64_t collatz_arg(long scale) { return scale * 2500; }

static const struct guest guests[] = {
    {"sieve", build_sieve, sieve_arg},
    {"fib", build_fib, fib_arg},
    {"collatz", build_collatz, collatz_arg},
};
static const struct {
	const char *name;
	interp_fn run;
} interpreters[] = {{"switch", run_switch}, {"table", run_table}};

int main(int argc, char **argv)
{
	long scale = argc > 1 ? atol(argv[1]) : 8;
	if (scale < 1) {
		fprintf(stderr, "usage: vm [SCALE]\n");
		return 2;
	}
	static struct program prog;
	static struct vm machine;
	int disagree = 0;
	printf("vm: scale %ld\n", scale);
	for (size_t g = 0; g < sizeof guests / sizeof guests[0]; g++) {
		guests[g].build(&prog);
		if (asm_end(&prog) < 0) {
			printf("vm: %s does not assemble\n", guests[g].name);
			return 1;
		}
		int64_t arg = guests[g].argument(scale), result[2];
		long steps[2];
		for (int i = 0; i < 2; i++) {
			result[i] = interpreters[i].run(&machine, &prog, &arg, 1);
			steps[i] = machine.steps;
		}
		disagree += result[0] != result[1] || steps[0] != steps[1];
		printf("  %-8s(%lld) = %lld in %ld steps\n", guests[g].name, (long long)arg,
		       (long long)result[0], steps[0]);
	}
	return disagree != 0;
}
