/* Linker sets: variables in a section of their own name, walked from
 * __start_NAME to __stop_NAME as a static linker bounds them. A registry
 * of commands whose functions the walk calls (hot, so that the tiers
 * replace them), one entry also used by name, a writable set of counters
 * bumped through the walk, and weak bounds of a section nothing is in
 * (null, an empty walk). */
#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	long (*run)(long);
};

static long twice(long x)
{
	return 2 * x;
}

static long square(long x)
{
	return x * x % 1000003;
}

static long negate(long x)
{
	return -x;
}

#define COMMAND(n, f)                                                                              \
	static const struct command cmd_##n __attribute__((used, section("commands"),              \
							   aligned(sizeof(void *)))) = {#n, f}
COMMAND(twice, twice);
COMMAND(square, square);
COMMAND(negate, negate);

struct counter {
	const char *name;
	long hits;
};
#define COUNTER(n)                                                                                 \
	static struct counter ctr_##n __attribute__((used, section("counters"),                    \
						     aligned(sizeof(void *)))) = {#n, 0}
COUNTER(calls);
COUNTER(misses);

extern const struct command __start_commands[], __stop_commands[];
extern struct counter __start_counters[], __stop_counters[];
extern const int __start_nothing[] __attribute__((weak));
extern const int __stop_nothing[] __attribute__((weak));

static const struct command *find(const char *name)
{
	for (const struct command *c = __start_commands; c < __stop_commands; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int main(void)
{
	printf("%d commands:", (int)(__stop_commands - __start_commands));
	for (const struct command *c = __start_commands; c < __stop_commands; c++)
		printf(" %s", c->name);
	printf("\n");
	long acc = 1;
	for (long i = 0; i < 300000; i++) {
		for (const struct command *c = __start_commands; c < __stop_commands; c++)
			acc = (acc + c->run(i + acc)) % 1000000007;
		ctr_calls.hits += 3;
	}
	for (struct counter *k = __start_counters; k < __stop_counters; k++)
		if (!strcmp(k->name, "misses"))
			k->hits = find("cube") ? 0 : 1;
	printf("acc %ld, square by name %ld, direct %s\n", acc, find("square")->run(12),
	       cmd_negate.run(5) == -5 ? "ok" : "wrong");
	for (struct counter *k = __start_counters; k < __stop_counters; k++)
		printf("counter %s: %ld\n", k->name, k->hits);
	printf("empty section: %d entries\n", (int)(__stop_nothing - __start_nothing));
	return 0;
}
