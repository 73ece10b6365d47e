/* Threaded code (computed goto) the tiers recompile. run_long is one call
 * of a threaded interpreter that loops for long, through a static table of
 * its labels: OSR must enter it at one of its handlers, the only places
 * its loops pass through more than once. run_framed keeps its table on its
 * stack, copied there at each call: new calls may get new code, but OSR
 * cannot enter (the frame holds the old code's addresses). remember keeps
 * one of its labels in a variable, which a second copy of it would read:
 * it keeps its first code; so do remember_local, which does the same from
 * local variables, and run_nested, which hands its stack's table to a
 * call of itself. */
#include <stdio.h>
#include <stdlib.h>

enum op { PUSH, OVER, XOR, MUL, MOD, SWAP, DEC, JNZ, POP, HALT };

/* for (acc = 1; counter; counter--) acc = acc * 31 % 1000003 ^ counter % 97 */
static const int program[] = {
    PUSH, 1, OVER,			/* counter acc counter */
    POP, PUSH, 31, MUL, PUSH, 1000003, MOD, /* 3: counter acc*31%p */
    OVER, PUSH, 97, MOD, XOR,		/* counter acc' */
    SWAP, DEC, SWAP, OVER, JNZ, 3,	/* counter-1 acc' counter-1 */
    POP, HALT};

/* The machine on code, from a stack holding n, through table. */
#define RUN(code, n, table)                                                                 \
	long stack[16];                                                                     \
	int sp = 0;                                                                         \
	const int *pc = code;                                                               \
	stack[sp++] = n;                                                                    \
	goto *table[*pc++];                                                                 \
push:                                                                                       \
	stack[sp++] = *pc++;                                                                \
	goto *table[*pc++];                                                                 \
over:                                                                                       \
	stack[sp] = stack[sp - 2];                                                          \
	sp++;                                                                               \
	goto *table[*pc++];                                                                 \
xor:                                                                                        \
	sp--;                                                                               \
	stack[sp - 1] ^= stack[sp];                                                         \
	goto *table[*pc++];                                                                 \
mul:                                                                                        \
	sp--;                                                                               \
	stack[sp - 1] *= stack[sp];                                                         \
	goto *table[*pc++];                                                                 \
mod:                                                                                        \
	sp--;                                                                               \
	stack[sp - 1] %= stack[sp];                                                         \
	goto *table[*pc++];                                                                 \
swap: {                                                                                     \
	long t = stack[sp - 1];                                                             \
	stack[sp - 1] = stack[sp - 2];                                                      \
	stack[sp - 2] = t;                                                                  \
}                                                                                           \
	goto *table[*pc++];                                                                 \
dec:                                                                                        \
	stack[sp - 1]--;                                                                    \
	goto *table[*pc++];                                                                 \
jnz: {                                                                                      \
	int to = *pc++;                                                                     \
	if (stack[sp - 1])                                                                  \
		pc = code + to;                                                             \
}                                                                                           \
	goto *table[*pc++];                                                                 \
pop:                                                                                        \
	sp--;                                                                               \
	goto *table[*pc++];                                                                 \
halt:                                                                                       \
	return stack[sp - 1] + sp

static long run_long(const int *code, long n)
{
	static void *const table[] = {&&push, &&over, &&xor, &&mul, &&mod,
				      &&swap, &&dec, &&jnz, &&pop, &&halt};
	RUN(code, n, table);
}

/* The same machine, its table made on its stack at each call. */
static long run_framed(const int *code, long n)
{
	void *table[] = {&&push, &&over, &&xor, &&mul, &&mod, &&swap, &&dec, &&jnz, &&pop, &&halt};
	RUN(code, n, table);
}

/* The label the last call ended at, kept between calls. */
static void *last;
static long remember(long x)
{
	if (last)
		goto *last;
	last = &&odd;
even:
	last = &&odd;
	return x / 2;
odd:
	last = &&even;
	return 3 * x + 1;
}

static void *last_local;
static long remember_local(long x)
{
	void *e = &&even, *o = &&odd;
	if (last_local)
		goto *last_local;
	last_local = o;
even:
	last_local = o;
	return x / 2;
odd:
	last_local = e;
	return 3 * x + 1;
}

/* ops: 0 counts, 1 runs the rest once more inside (with this call's
 * table), 2 ends */
static long run_nested(const int *ops, void *const *outer, int depth)
{
	void *mine[] = {&&count, &&nest, &&end};
	void *const *table = outer ? outer : mine;
	long n = 0;
	goto *table[*ops++];
count:
	n++;
	goto *table[*ops++];
nest:
	if (depth < 2)
		n += 2 * run_nested(ops, table, depth + 1);
	goto *table[*ops++];
end:
	return n;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	if (n < 1) /* the counter must reach 0 (the tests pass a file name) */
		n = 300000;
	long s = run_long(program, n);
	static const int nested[] = {0, 1, 0, 0, 1, 2};
	long f = 0, r = 27, q = 27, m = 0;
	for (int i = 0; i < 3000; i++) {
		f = f * 7 + run_framed(program, 40 + i % 13);
		r = remember(r) % 1000003 + i;
		q = remember_local(q) % 1000003 + i;
		m = m * 3 + run_nested(nested + i % 2, NULL, 0);
	}
	printf("%ld %ld %ld %ld %ld\n", s, f, r, q, m);
	return 0;
}
