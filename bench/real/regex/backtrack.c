/* The backtracking matcher: depth-first over the program with an explicit
 * stack of (pc, position) alternatives, trying each start position. */
#include "regex.h"

#define STACK_MAX 4096

static int run_from(const struct regex *re, const char *s, int n, int start)
{
	int stack_pc[STACK_MAX], stack_sp[STACK_MAX], depth = 0;
	int pc = 0, sp = start;
	for (;;) {
		const struct inst *in = &re->code[pc];
		int ok = 1;
		switch (in->op) {
		case OP_CHAR: ok = sp < n && (unsigned char)s[sp] == in->arg; pc++, sp++; break;
		case OP_ANY: ok = sp < n && s[sp] != '\n'; pc++, sp++; break;
		case OP_CLASS:
			ok = sp < n && class_has(re->classes[in->arg], (unsigned char)s[sp]);
			pc++, sp++;
			break;
		case OP_BOL: ok = sp == 0; pc++; break;
		case OP_EOL: ok = sp == n; pc++; break;
		case OP_JMP: pc = in->x; break;
		case OP_SPLIT:
			if (depth == STACK_MAX)
				return -1;
			stack_pc[depth] = in->y;
			stack_sp[depth++] = sp;
			pc = in->x;
			break;
		case OP_MATCH: return 1;
		}
		if (ok)
			continue;
		if (!depth)
			return 0;
		depth--;
		pc = stack_pc[depth];
		sp = stack_sp[depth];
	}
}

int re_search_backtrack(const struct regex *re, const char *s, int n)
{
	for (int start = 0; start <= n; start++) {
		int r = run_from(re, s, n, start);
		if (r)
			return r;
	}
	return 0;
}
