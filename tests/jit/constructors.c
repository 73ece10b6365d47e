/* Constructors and destructors (__attribute__((constructor)) and
 * destructor, with and without priorities), as an ELF program's init and
 * fini arrays run them: constructors before main, by rising priority, with
 * main's arguments; at the exit, the exit handlers (also one a constructor
 * registered), then the destructors by falling priority. A constructor's
 * hot loop runs while the tiers work; another is one the optimizer can
 * run at compile time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ready;
static unsigned table[4096];
static const int seed_value = 42;
static int seeded, seed_runs;

static void in_main(void)
{
	printf("atexit handler registered in main\n");
}

static void in_constructor(void)
{
	printf("atexit handler registered by a constructor\n");
}

__attribute__((constructor(101))) static void first(void)
{
	printf("constructor 101\n");
	ready = 1;
	if (atexit(in_constructor))
		exit(1);
}

/* one the optimizer can run at compile time, folding it into the
 * variables' initial values: it must still run once, not twice */
__attribute__((constructor(150))) static void seed(void)
{
	memcpy(&seeded, &seed_value, sizeof seeded);
	seed_runs++;
}

__attribute__((constructor(200))) static void fill(int argc, char **argv)
{
	unsigned h = 2166136261u;
	for (int round = 0; round < 200; round++)
		for (unsigned i = 0; i < 4096; i++)
			table[i] = h = (h ^ (i + (unsigned)round + table[(i * 7) & 4095])) * 16777619u;
	printf("constructor 200: %d arguments, the last %zu bytes long, table %08x\n", argc,
	       strlen(argv[argc - 1]), table[4095]);
	ready += 2;
}

__attribute__((constructor)) static void last(void)
{
	printf("constructor without a priority: ready %d\n", ready);
}

__attribute__((destructor(150))) static void d150(void)
{
	printf("destructor 150: ready %d\n", ready);
}

__attribute__((destructor(300))) static void d300(void)
{
	printf("destructor 300\n");
}

__attribute__((destructor)) static void dlast(void)
{
	printf("destructor without a priority\n");
	ready = 100;
}

int main(void)
{
	if (atexit(in_main))
		return 1;
	printf("main: ready %d, seeded %d by %d run(s)\n", ready, seeded, seed_runs);
	return ready;
}
