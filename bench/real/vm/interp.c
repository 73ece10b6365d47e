/* The two interpreters. Both keep the frame layout: locals at fp + slot;
 * a call's frame starts at its argument, with the return pc and the
 * caller's fp above it. Memory addresses wrap around VM_MEM; division by
 * zero gives zero. */
#include "vm.h"

static int main_locals = 8;

static void start(struct vm *m, const int64_t *args, int n)
{
	for (int i = 0; i < main_locals; i++)
		m->stack[i] = i < n ? args[i] : 0;
	m->sp = main_locals;
	m->fp = 0;
	m->pc = 0;
	m->steps = 0;
}

static int64_t divide(int64_t a, int64_t b, int remainder)
{
	if (!b)
		return 0;
	return remainder ? a % b : a / b;
}

int64_t run_switch(struct vm *m, const struct program *p, const int64_t *args, int n)
{
	start(m, args, n);
	int64_t *s = m->stack;
	int sp = m->sp, fp = m->fp, pc = 0;
	for (;;) {
		const struct insn in = p->code[pc++];
		m->steps++;
		int64_t a, b;
		switch (in.op) {
		case OP_PUSH: s[sp++] = in.arg; break;
		case OP_LOAD: s[sp++] = s[fp + in.arg]; break;
		case OP_STORE: s[fp + in.arg] = s[--sp]; break;
		case OP_ADD: sp--, s[sp - 1] += s[sp]; break;
		case OP_SUB: sp--, s[sp - 1] -= s[sp]; break;
		case OP_MUL: sp--, s[sp - 1] *= s[sp]; break;
		case OP_DIV: sp--, s[sp - 1] = divide(s[sp - 1], s[sp], 0); break;
		case OP_MOD: sp--, s[sp - 1] = divide(s[sp - 1], s[sp], 1); break;
		case OP_LT: sp--, s[sp - 1] = s[sp - 1] < s[sp]; break;
		case OP_EQ: sp--, s[sp - 1] = s[sp - 1] == s[sp]; break;
		case OP_JMP: pc = in.arg; break;
		case OP_JZ: if (!s[--sp]) pc = in.arg; break;
		case OP_JNZ: if (s[--sp]) pc = in.arg; break;
		case OP_CALL:
			s[sp] = pc;
			s[sp + 1] = fp;
			fp = sp - 1;
			sp += 2;
			pc = in.arg;
			break;
		case OP_RET:
			a = s[--sp];
			sp = fp + 1;
			pc = (int)s[fp + 1];
			fp = (int)s[fp + 2];
			s[sp - 1] = a;
			break;
		case OP_LOADM: s[sp - 1] = m->mem[s[sp - 1] & (VM_MEM - 1)]; break;
		case OP_STOREM:
			b = s[--sp];
			a = s[--sp];
			m->mem[a & (VM_MEM - 1)] = b;
			break;
		case OP_DUP: s[sp] = s[sp - 1], sp++; break;
		case OP_POP: sp--; break;
		case OP_HALT: return s[sp - 1];
		}
	}
}

/* The handler-table interpreter: one function an opcode, each returning
 * nonzero to stop. */
typedef int (*handler)(struct vm *m, int32_t arg);
#define TOP(m) ((m)->stack[(m)->sp - 1])
#define BINARY(name, expr)                                                                        \
	static int name(struct vm *m, int32_t arg)                                                \
	{                                                                                         \
		(void)arg;                                                                        \
		int64_t b = m->stack[--m->sp], a = TOP(m);                                        \
		TOP(m) = (expr);                                                                  \
		return 0;                                                                         \
	}
BINARY(h_add, a + b)
BINARY(h_sub, a - b)
BINARY(h_mul, a * b)
BINARY(h_div, divide(a, b, 0))
BINARY(h_mod, divide(a, b, 1))
BINARY(h_lt, a < b)
BINARY(h_eq, a == b)

static int h_push(struct vm *m, int32_t arg) { m->stack[m->sp++] = arg; return 0; }
static int h_load(struct vm *m, int32_t arg) { m->stack[m->sp++] = m->stack[m->fp + arg]; return 0; }
static int h_store(struct vm *m, int32_t arg) { m->stack[m->fp + arg] = m->stack[--m->sp]; return 0; }
static int h_jmp(struct vm *m, int32_t arg) { m->pc = arg; return 0; }
static int h_jz(struct vm *m, int32_t arg) { if (!m->stack[--m->sp]) m->pc = arg; return 0; }
static int h_jnz(struct vm *m, int32_t arg) { if (m->stack[--m->sp]) m->pc = arg; return 0; }
static int h_dup(struct vm *m, int32_t arg) { (void)arg; m->stack[m->sp] = TOP(m); m->sp++; return 0; }
static int h_pop(struct vm *m, int32_t arg) { (void)arg; m->sp--; return 0; }
static int h_halt(struct vm *m, int32_t arg) { (void)m, (void)arg; return 1; }

static int h_call(struct vm *m, int32_t arg)
{
	m->stack[m->sp] = m->pc;
	m->stack[m->sp + 1] = m->fp;
	m->fp = m->sp - 1;
	m->sp += 2;
	m->pc = arg;
	return 0;
}

static int h_ret(struct vm *m, int32_t arg)
{
	(void)arg;
	int64_t v = m->stack[--m->sp];
	m->sp = m->fp + 1;
	m->pc = (int)m->stack[m->fp + 1];
	m->fp = (int)m->stack[m->fp + 2];
	TOP(m) = v;
	return 0;
}

static int h_loadm(struct vm *m, int32_t arg)
{
	(void)arg;
	TOP(m) = m->mem[TOP(m) & (VM_MEM - 1)];
	return 0;
}

static int h_storem(struct vm *m, int32_t arg)
{
	(void)arg;
	int64_t v = m->stack[--m->sp], a = m->stack[--m->sp];
	m->mem[a & (VM_MEM - 1)] = v;
	return 0;
}

static const handler handlers[NOPCODES] = {
    [OP_PUSH] = h_push, [OP_LOAD] = h_load, [OP_STORE] = h_store, [OP_ADD] = h_add,
    [OP_SUB] = h_sub,   [OP_MUL] = h_mul,   [OP_DIV] = h_div,     [OP_MOD] = h_mod,
    [OP_LT] = h_lt,     [OP_EQ] = h_eq,     [OP_JMP] = h_jmp,     [OP_JZ] = h_jz,
    [OP_JNZ] = h_jnz,   [OP_CALL] = h_call, [OP_RET] = h_ret,     [OP_LOADM] = h_loadm,
    [OP_STOREM] = h_storem, [OP_DUP] = h_dup, [OP_POP] = h_pop,   [OP_HALT] = h_halt,
};

int64_t run_table(struct vm *m, const struct program *p, const int64_t *args, int n)
{
	start(m, args, n);
	for (;;) {
		const struct insn *in = &p->code[m->pc++];
		m->steps++;
		if (handlers[in->op](m, in->arg))
			return TOP(m);
	}
}
