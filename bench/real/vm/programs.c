/* The guest programs, written in the assembler. Locals live on the stack
 * at fp + slot; CALL pushes the return pc and the caller's fp, and the
 * callee's arguments are its first locals. */
#include "vm.h"

enum { L_OUTER, L_OUTER_END, L_INNER, L_INNER_END, L_SKIP, L_COUNT, L_COUNT_END, L_FILL,
       L_FILL_END, L_FIB, L_BASE, L_STEP, L_EVEN, L_NEXT, L_DONE };

/* slot += 1 */
static void increment(struct program *p, int slot)
{
	asm_op(p, OP_LOAD, slot), asm_op(p, OP_PUSH, 1), asm_op(p, OP_ADD, 0);
	asm_op(p, OP_STORE, slot);
}

/* if !(slot a < slot b) goto label */
static void exit_unless_below(struct program *p, int a, int b, int label)
{
	asm_op(p, OP_LOAD, a), asm_op(p, OP_LOAD, b), asm_op(p, OP_LT, 0);
	asm_jump(p, OP_JZ, label);
}

/* sieve(n): the number of primes below n, with memory as the bit array */
void build_sieve(struct program *p)
{
	asm_begin(p);
	asm_op(p, OP_PUSH, 2), asm_op(p, OP_STORE, 1); /* i = 2 */
	asm_label(p, L_FILL); /* for i < n: mem[i] = 1 */
	exit_unless_below(p, 1, 0, L_FILL_END);
	asm_op(p, OP_LOAD, 1), asm_op(p, OP_PUSH, 1), asm_op(p, OP_STOREM, 0);
	increment(p, 1);
	asm_jump(p, OP_JMP, L_FILL);
	asm_label(p, L_FILL_END);
	asm_op(p, OP_PUSH, 2), asm_op(p, OP_STORE, 1);
	asm_label(p, L_OUTER); /* while i * i < n */
	asm_op(p, OP_LOAD, 1), asm_op(p, OP_DUP, 0), asm_op(p, OP_MUL, 0);
	asm_op(p, OP_LOAD, 0), asm_op(p, OP_LT, 0);
	asm_jump(p, OP_JZ, L_OUTER_END);
	asm_op(p, OP_LOAD, 1), asm_op(p, OP_LOADM, 0);
	asm_jump(p, OP_JZ, L_SKIP);
	asm_op(p, OP_LOAD, 1), asm_op(p, OP_DUP, 0), asm_op(p, OP_MUL, 0), asm_op(p, OP_STORE, 2);
	asm_label(p, L_INNER); /* for j = i * i; j < n; j += i: mem[j] = 0 */
	exit_unless_below(p, 2, 0, L_INNER_END);
	asm_op(p, OP_LOAD, 2), asm_op(p, OP_PUSH, 0), asm_op(p, OP_STOREM, 0);
	asm_op(p, OP_LOAD, 2), asm_op(p, OP_LOAD, 1), asm_op(p, OP_ADD, 0), asm_op(p, OP_STORE, 2);
	asm_jump(p, OP_JMP, L_INNER);
	asm_label(p, L_INNER_END);
	asm_label(p, L_SKIP);
	increment(p, 1);
	asm_jump(p, OP_JMP, L_OUTER);
	asm_label(p, L_OUTER_END);
	asm_op(p, OP_PUSH, 0), asm_op(p, OP_STORE, 3); /* count */
	asm_op(p, OP_PUSH, 2), asm_op(p, OP_STORE, 1);
	asm_label(p, L_COUNT);
	exit_unless_below(p, 1, 0, L_COUNT_END);
	asm_op(p, OP_LOAD, 3), asm_op(p, OP_LOAD, 1), asm_op(p, OP_LOADM, 0), asm_op(p, OP_ADD, 0);
	asm_op(p, OP_STORE, 3);
	increment(p, 1);
	asm_jump(p, OP_JMP, L_COUNT);
	asm_label(p, L_COUNT_END);
	asm_op(p, OP_LOAD, 3), asm_op(p, OP_HALT, 0);
}

/* fib(n), doubly recursive */
void build_fib(struct program *p)
{
	asm_begin(p);
	asm_op(p, OP_LOAD, 0);
	asm_jump(p, OP_CALL, L_FIB);
	asm_op(p, OP_HALT, 0);
	asm_label(p, L_FIB); /* one argument, local 0 */
	asm_op(p, OP_LOAD, 0), asm_op(p, OP_PUSH, 2), asm_op(p, OP_LT, 0);
	asm_jump(p, OP_JNZ, L_BASE);
	asm_op(p, OP_LOAD, 0), asm_op(p, OP_PUSH, 1), asm_op(p, OP_SUB, 0);
	asm_jump(p, OP_CALL, L_FIB);
	asm_op(p, OP_LOAD, 0), asm_op(p, OP_PUSH, 2), asm_op(p, OP_SUB, 0);
	asm_jump(p, OP_CALL, L_FIB);
	asm_op(p, OP_ADD, 0), asm_op(p, OP_RET, 0);
	asm_label(p, L_BASE);
	asm_op(p, OP_LOAD, 0), asm_op(p, OP_RET, 0);
}

/* the total number of Collatz steps of 1..n */
void build_collatz(struct program *p)
{
	asm_begin(p);
	asm_op(p, OP_PUSH, 0), asm_op(p, OP_STORE, 3); /* total */
	asm_label(p, L_OUTER); /* for k = n; k > 0; k-- */
	asm_op(p, OP_LOAD, 0);
	asm_jump(p, OP_JZ, L_DONE);
	asm_op(p, OP_LOAD, 0), asm_op(p, OP_STORE, 1); /* x = k */
	asm_label(p, L_STEP);
	asm_op(p, OP_LOAD, 1), asm_op(p, OP_PUSH, 1), asm_op(p, OP_EQ, 0);
	asm_jump(p, OP_JNZ, L_NEXT);
	increment(p, 3);
	asm_op(p, OP_LOAD, 1), asm_op(p, OP_PUSH, 2), asm_op(p, OP_MOD, 0);
	asm_jump(p, OP_JZ, L_EVEN);
	asm_op(p, OP_LOAD, 1), asm_op(p, OP_PUSH, 3), asm_op(p, OP_MUL, 0), asm_op(p, OP_PUSH, 1);
	asm_op(p, OP_ADD, 0), asm_op(p, OP_STORE, 1);
	asm_jump(p, OP_JMP, L_STEP);
	asm_label(p, L_EVEN);
	asm_op(p, OP_LOAD, 1), asm_op(p, OP_PUSH, 2), asm_op(p, OP_DIV, 0), asm_op(p, OP_STORE, 1);
	asm_jump(p, OP_JMP, L_STEP);
	asm_label(p, L_NEXT);
	asm_op(p, OP_LOAD, 0), asm_op(p, OP_PUSH, 1), asm_op(p, OP_SUB, 0), asm_op(p, OP_STORE, 0);
	asm_jump(p, OP_JMP, L_OUTER);
	asm_label(p, L_DONE);
	asm_op(p, OP_LOAD, 3), asm_op(p, OP_HALT, 0);
}
