/* The NFA simulation: all threads advance in lock step over the input,
 * each program counter at most once per position (so linear time), with
 * a new thread started at every position for an unanchored search. */
#include "regex.h"

struct threads {
	int pc[RE_MAX_INST];
	int n;
};

/* Adds pc and everything reachable from it without consuming input. */
static void add_thread(const struct regex *re, struct threads *t, unsigned *mark, unsigned gen,
		       int pc, int sp, int n)
{
	if (mark[pc] == gen)
		return;
	mark[pc] = gen;
	const struct inst *in = &re->code[pc];
	switch (in->op) {
	case OP_JMP: add_thread(re, t, mark, gen, in->x, sp, n); break;
	case OP_SPLIT:
		add_thread(re, t, mark, gen, in->x, sp, n);
		add_thread(re, t, mark, gen, in->y, sp, n);
		break;
	case OP_BOL:
		if (sp == 0)
			add_thread(re, t, mark, gen, pc + 1, sp, n);
		break;
	case OP_EOL:
		if (sp == n)
			add_thread(re, t, mark, gen, pc + 1, sp, n);
		break;
	default: t->pc[t->n++] = pc;
	}
}

static int step_matches(const struct regex *re, const struct inst *in, unsigned char c)
{
	switch (in->op) {
	case OP_CHAR: return c == in->arg;
	case OP_ANY: return c != '\n';
	case OP_CLASS: return class_has(re->classes[in->arg], c);
	default: return 0;
	}
}

int re_search_pike(const struct regex *re, const char *s, int n)
{
	static struct threads a, b;
	static unsigned mark[RE_MAX_INST], gen;
	struct threads *cur = &a, *next = &b;
	cur->n = 0;
	gen++; /* cur's generation; next gets the one after */
	for (int sp = 0;; sp++) {
		add_thread(re, cur, mark, gen, 0, sp, n);
		next->n = 0;
		gen++;
		for (int i = 0; i < cur->n; i++) {
			const struct inst *in = &re->code[cur->pc[i]];
			if (in->op == OP_MATCH)
				return 1;
			if (sp < n && step_matches(re, in, (unsigned char)s[sp]))
				add_thread(re, next, mark, gen, cur->pc[i] + 1, sp + 1, n);
		}
		if (sp >= n)
			return 0;
		struct threads *t = cur;
		cur = next;
		next = t;
	}
}
