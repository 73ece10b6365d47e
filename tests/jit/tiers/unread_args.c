/* Handlers of a table, each given the same three arguments, some of which
 * a handler never reads: `(void)arg`, or no use at all; and mix, of two
 * pointers and an argument it ignores, through a pointer clang cannot
 * follow, called last with its two arrays overlapping. usage: unread_args
 * [N [SCALE]] */
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

static void mix(long *dst, const long *src, long unused)
{
	(void)unused;
	for (int i = 0; i < 16; i++)
		dst[i] += src[i] * 3 + i;
}

static void (*volatile mixer)(long *, const long *, long) = mix;

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long scale = argc > 2 ? atol(argv[2]) : 3;
	struct acc a = {0, 0};
	long dst[17] = {0}, src[16];
	for (int i = 0; i < 16; i++)
		src[i] = i * scale;
	for (long i = 0; i < n; i++) {
		table[i % 3](&a, i % 3 == 2 ? 0 : 7, scale);
		if (i % 8 == 0)
			mixer(dst, src, 0);
	}
	mixer(dst + 1, dst, 0); /* each element reads the one the last wrote */
	unsigned long d = 0;
	for (int i = 0; i < 17; i++)
		d = d * 31 + (unsigned long)dst[i];
	printf("%ld %ld %lu\n", a.sum, a.steps, d);
	return 0;
}
