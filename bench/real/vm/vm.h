/* A stack-machine bytecode: an assembler with labels, and two
 * interpreters of it (a switch loop, and a table of handler functions). */
#include <stdint.h>

enum opcode {
	OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_LT, OP_EQ,
	OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET, OP_LOADM, OP_STOREM, OP_DUP, OP_POP, OP_HALT,
	NOPCODES
};

struct insn {
	uint8_t op;
	int32_t arg;
};

#define MAX_CODE 512
#define MAX_LABELS 32
struct program {
	struct insn code[MAX_CODE];
	int len;
	int label_at[MAX_LABELS];
	int fixup_insn[MAX_LABELS * 4], fixup_label[MAX_LABELS * 4], nfixups;
};

void asm_begin(struct program *p);
void asm_op(struct program *p, enum opcode op, int32_t arg);
void asm_label(struct program *p, int label);
void asm_jump(struct program *p, enum opcode op, int label); /* JMP/JZ/JNZ/CALL */
int asm_end(struct program *p);

#define VM_MEM 65536
#define VM_STACK 4096
struct vm {
	int64_t stack[VM_STACK];
	int64_t mem[VM_MEM];
	int sp, fp, pc;
	long steps;
};
/* Runs from pc 0 with args pushed as the first locals; returns the value
 * on top of the stack at HALT. */
typedef int64_t (*interp_fn)(struct vm *m, const struct program *p, const int64_t *args, int n);
int64_t run_switch(struct vm *m, const struct program *p, const int64_t *args, int n);
int64_t run_table(struct vm *m, const struct program *p, const int64_t *args, int n);

void build_sieve(struct program *p);
void build_fib(struct program *p);
void build_collatz(struct program *p);
