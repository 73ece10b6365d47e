/* Computed goto: a threaded interpreter whose dispatch table is a static
 * array of label addresses (the table holds one copy's addresses, so the
 * function must keep one copy), with a handler that loops on itself (a
 * loop header an indirect branch reaches); another whose table is built on
 * its stack at each call; and a function jumping through a table of its
 * own. They are called from work and main, which the tiers recompile and
 * enter by OSR, their modules carrying the tables. */
#include <stdio.h>

enum op { OP_PUSH, OP_ADD, OP_MUL, OP_MOD, OP_DUP, OP_SWAP, OP_DEC, OP_JNZ, OP_POP, OP_HALT, OP_SPIN };

static long run_static(const int *code, long x)
{
	static void *const table[] = {&&push, &&add, &&mul, &&mod, &&dup, &&swap,
				      &&dec, &&jnz, &&pop, &&halt, &&spin};
	long stack[32];
	int sp = 0, spins = 0;
	const int *pc = code;
	stack[sp++] = x;
#define DISPATCH goto *table[*pc++]
	DISPATCH;
push:
	stack[sp++] = *pc++;
	DISPATCH;
add:
	sp--;
	stack[sp - 1] += stack[sp];
	DISPATCH;
mul:
	sp--;
	stack[sp - 1] *= stack[sp];
	DISPATCH;
mod:
	sp--;
	stack[sp - 1] %= stack[sp];
	DISPATCH;
dup:
	stack[sp] = stack[sp - 1];
	sp++;
	DISPATCH;
swap: {
	long t = stack[sp - 1];
	stack[sp - 1] = stack[sp - 2];
	stack[sp - 2] = t;
}
	DISPATCH;
dec:
	stack[sp - 1]--;
	DISPATCH;
jnz: {
	int to = *pc++;
	if (stack[sp - 1])
		pc = code + to;
}
	DISPATCH;
pop:
	sp--;
	DISPATCH;
spin: /* the top of the stack grows by what it is mod 7, a step at a time */
	if (spins++ % 7 < stack[sp - 1] % 7) {
		stack[sp - 1]++;
		goto spin;
	}
	DISPATCH;
halt:
	return stack[sp - 1] * 31 + sp + spins;
#undef DISPATCH
}

/* The same machine with its table made at each call. */
static long run_local(const int *code, long x)
{
	void *table[] = {&&push, &&add, &&mul, &&mod, &&dup, &&swap,
			 &&dec,	 &&jnz, &&pop, &&halt, &&spin};
	long stack[32];
	int sp = 0;
	const int *pc = code;
	stack[sp++] = x;
	goto *table[*pc++];
push:
	stack[sp++] = *pc++;
	goto *table[*pc++];
add:
	sp--;
	stack[sp - 1] += stack[sp];
	goto *table[*pc++];
mul:
	sp--;
	stack[sp - 1] *= stack[sp];
	goto *table[*pc++];
mod:
	sp--;
	stack[sp - 1] %= stack[sp];
	goto *table[*pc++];
dup:
	stack[sp] = stack[sp - 1];
	sp++;
	goto *table[*pc++];
swap: {
	long t = stack[sp - 1];
	stack[sp - 1] = stack[sp - 2];
	stack[sp - 2] = t;
}
	goto *table[*pc++];
dec:
	stack[sp - 1]--;
	goto *table[*pc++];
jnz: {
	int to = *pc++;
	if (stack[sp - 1])
		pc = code + to;
}
	goto *table[*pc++];
pop:
	sp--;
	goto *table[*pc++];
spin:
	stack[sp - 1] += stack[sp - 1] % 3;
	goto *table[*pc++];
halt:
	return stack[sp - 1] * 17 + sp;
}

static const int loop[] = {OP_PUSH, 40, OP_SWAP, OP_PUSH, 3,	     OP_MUL, OP_PUSH, 1000003,
			   OP_MOD,  OP_SPIN, OP_SWAP, OP_DEC, OP_JNZ, 2, OP_POP, OP_HALT};
static const int once[] = {OP_PUSH, 7, OP_MUL, OP_SPIN, OP_PUSH, 1000003, OP_MOD, OP_DUP, OP_ADD,
			   OP_HALT};

/* A managed function the tiers recompile, calling the interpreters. */
static long work(int i)
{
	long s = run_static(once, i) ^ run_local(once, i + 1);
	if (i % 50 == 0)
		s += run_static(loop, i) - run_local(loop, i);
	return s;
}

/* Its own table of two. */
static int finish(long s, int argc)
{
	void *parity[] = {&&even, &&odd};
	goto *parity[(s + argc) & 1];
even:
	printf("even %ld\n", s);
	return 2;
odd:
	printf("odd %ld\n", s);
	return 3;
}

int main(int argc, char **argv)
{
	(void)argv;
	long s = 0;
	for (int i = 0; i < 20000; i++)
		s += work(i);
	return finish(s, argc);
}
