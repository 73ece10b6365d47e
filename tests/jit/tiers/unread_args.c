/* Handlers of a table, each given the same three arguments, some of which
 * a handler never reads: `(void)arg`, or no use at all. */
#include <stdio.h>
#include <stdlib.h>

struct acc {
	long sum, steps;
};

typedef void (*handler)(struct acc *a, long arg, long scale);

static void op_step(struct acc *a, long arg, long scale)
{
	(void)arg;
	a->sum += scale;
	a->steps++;
}

static void op_add(struct acc *a, long arg, long scale)
{
	a->sum += arg * scale;
	a->steps++;
}

static void op_count(struct acc *a, long arg, long scale)
{
	a->steps++;
}

static handler table[3] = {op_step, op_add, op_count};

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long scale = argc > 2 ? atol(argv[2]) : 3;
	struct acc a = {0, 0};
	for (long i = 0; i < n; i++)
		table[i % 3](&a, i % 3 == 2 ? 0 : 7, scale);
	printf("%ld %ld\n", a.sum, a.steps);
	return 0;
}
