/* The assembler: instructions appended in order, jumps to labels patched
 * once every label is known. */
#include "vm.h"

void asm_begin(struct program *p)
{
	p->len = 0;
	p->nfixups = 0;
	for (int i = 0; i < MAX_LABELS; i++)
		p->label_at[i] = -1;
}

void asm_op(struct program *p, enum opcode op, int32_t arg)
{
	if (p->len < MAX_CODE)
		p->code[p->len] = (struct insn){(uint8_t)op, arg};
	p->len++;
}

void asm_label(struct program *p, int label)
{
	p->label_at[label] = p->len;
}

void asm_jump(struct program *p, enum opcode op, int label)
{
	if (p->nfixups < MAX_LABELS * 4) {
		p->fixup_insn[p->nfixups] = p->len;
		p->fixup_label[p->nfixups++] = label;
	}
	asm_op(p, op, 0);
}

/* Returns 0, or -1 for an overflow or a label never placed. */
int asm_end(struct program *p)
{
	if (p->len > MAX_CODE || p->nfixups == MAX_LABELS * 4)
		return -1;
	for (int i = 0; i < p->nfixups; i++) {
		int at = p->label_at[p->fixup_label[i]];
		if (at < 0)
			return -1;
		p->code[p->fixup_insn[i]].arg = at;
	}
	return 0;
}
