/* Parsing to a tree of nodes in one array, then code generation. Returns
 * -1 for a malformed or too large pattern. */
#include <string.h>

#include "regex.h"

enum kind { N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_CAT, N_ALT, N_STAR, N_PLUS, N_QUEST, N_EMPTY };
struct node {
	enum kind kind;
	int arg, left, right;
};

struct parser {
	const char *p;
	struct node nodes[256];
	int n;
	struct regex *re;
	int error;
};

static int new_node(struct parser *ps, enum kind k, int arg, int left, int right)
{
	if (ps->n == 256) {
		ps->error = 1;
		return 0;
	}
	ps->nodes[ps->n] = (struct node){k, arg, left, right};
	return ps->n++;
}

static void set_add_range(uint8_t *set, int lo, int hi)
{
	for (int c = lo; c <= hi; c++)
		set[c >> 3] |= (uint8_t)(1 << (c & 7));
}

/* \d \w \s into set; returns 0 if e is not one of them. */
static int add_escape_class(uint8_t *set, char e)
{
	switch (e) {
	case 'd': set_add_range(set, '0', '9'); return 1;
	case 's': set_add_range(set, ' ', ' '); set_add_range(set, '\t', '\r'); return 1;
	case 'w':
		set_add_range(set, 'a', 'z');
		set_add_range(set, 'A', 'Z');
		set_add_range(set, '0', '9');
		set_add_range(set, '_', '_');
		return 1;
	}
	return 0;
}

static int new_class(struct parser *ps)
{
	if (ps->re->nclasses == RE_MAX_CLASS) {
		ps->error = 1;
		return 0;
	}
	memset(ps->re->classes[ps->re->nclasses], 0, 32);
	return ps->re->nclasses++;
}

static int parse_class(struct parser *ps)
{
	int k = new_class(ps), negate = 0;
	uint8_t *set = ps->re->classes[k];
	if (*ps->p == '^') {
		negate = 1;
		ps->p++;
	}
	while (*ps->p && *ps->p != ']') {
		int lo = (unsigned char)*ps->p++;
		if (lo == '\\' && *ps->p) {
			char e = *ps->p++;
			if (add_escape_class(set, e))
				continue;
			lo = (unsigned char)e;
		}
		int hi = lo;
		if (ps->p[0] == '-' && ps->p[1] && ps->p[1] != ']') {
			hi = (unsigned char)ps->p[1];
			ps->p += 2;
		}
		set_add_range(set, lo, hi);
	}
	if (*ps->p != ']')
		ps->error = 1;
	else
		ps->p++;
	if (negate)
		for (int i = 0; i < 32; i++)
			set[i] = (uint8_t)~set[i];
	return new_node(ps, N_CLASS, k, -1, -1);
}

static int parse_alt(struct parser *ps);

static int parse_atom(struct parser *ps)
{
	char c = *ps->p++;
	switch (c) {
	case '(': {
		int inner = parse_alt(ps);
		if (*ps->p != ')')
			ps->error = 1;
		else
			ps->p++;
		return inner;
	}
	case '[': return parse_class(ps);
	case '.': return new_node(ps, N_ANY, 0, -1, -1);
	case '^': return new_node(ps, N_BOL, 0, -1, -1);
	case '$': return new_node(ps, N_EOL, 0, -1, -1);
	case '\\': {
		char e = *ps->p ? *ps->p++ : '\\';
		int k = new_class(ps);
		if (add_escape_class(ps->re->classes[k], e))
			return new_node(ps, N_CLASS, k, -1, -1);
		ps->re->nclasses--;
		return new_node(ps, N_CHAR, (unsigned char)e, -1, -1);
	}
	default: return new_node(ps, N_CHAR, (unsigned char)c, -1, -1);
	}
}

static int parse_repeat(struct parser *ps)
{
	int n = parse_atom(ps);
	for (;;) {
		enum kind k;
		switch (*ps->p) {
		case '*': k = N_STAR; break;
		case '+': k = N_PLUS; break;
		case '?': k = N_QUEST; break;
		default: return n;
		}
		ps->p++;
		n = new_node(ps, k, 0, n, -1);
	}
}

static int parse_concat(struct parser *ps)
{
	int n = -1;
	while (*ps->p && *ps->p != '|' && *ps->p != ')') {
		int r = parse_repeat(ps);
		n = n < 0 ? r : new_node(ps, N_CAT, 0, n, r);
	}
	return n < 0 ? new_node(ps, N_EMPTY, 0, -1, -1) : n;
}

static int parse_alt(struct parser *ps)
{
	int n = parse_concat(ps);
	while (*ps->p == '|') {
		ps->p++;
		n = new_node(ps, N_ALT, 0, n, parse_concat(ps));
	}
	return n;
}

static int emit(struct regex *re, enum op op, int arg)
{
	if (re->len == RE_MAX_INST)
		return -1;
	re->code[re->len] = (struct inst){op, arg, 0, 0};
	return re->len++;
}

static int gen(struct parser *ps, int n)
{
	struct regex *re = ps->re;
	const struct node *nd = &ps->nodes[n];
	int a, b;
	switch (nd->kind) {
	case N_CHAR: return emit(re, OP_CHAR, nd->arg) < 0 ? -1 : 0;
	case N_ANY: return emit(re, OP_ANY, 0) < 0 ? -1 : 0;
	case N_CLASS: return emit(re, OP_CLASS, nd->arg) < 0 ? -1 : 0;
	case N_BOL: return emit(re, OP_BOL, 0) < 0 ? -1 : 0;
	case N_EOL: return emit(re, OP_EOL, 0) < 0 ? -1 : 0;
	case N_EMPTY: return 0;
	case N_CAT: return gen(ps, nd->left) < 0 ? -1 : gen(ps, nd->right);
	case N_ALT:
		if ((a = emit(re, OP_SPLIT, 0)) < 0)
			return -1;
		re->code[a].x = re->len;
		if (gen(ps, nd->left) < 0 || (b = emit(re, OP_JMP, 0)) < 0)
			return -1;
		re->code[a].y = re->len;
		if (gen(ps, nd->right) < 0)
			return -1;
		re->code[b].x = re->len;
		return 0;
	case N_STAR:
		if ((a = emit(re, OP_SPLIT, 0)) < 0)
			return -1;
		re->code[a].x = re->len;
		if (gen(ps, nd->left) < 0 || (b = emit(re, OP_JMP, 0)) < 0)
			return -1;
		re->code[b].x = a;
		re->code[a].y = re->len;
		return 0;
	case N_PLUS:
		a = re->len;
		if (gen(ps, nd->left) < 0 || (b = emit(re, OP_SPLIT, 0)) < 0)
			return -1;
		re->code[b].x = a;
		re->code[b].y = re->len;
		return 0;
	case N_QUEST:
		if ((a = emit(re, OP_SPLIT, 0)) < 0)
			return -1;
		re->code[a].x = re->len;
		if (gen(ps, nd->left) < 0)
			return -1;
		re->code[a].y = re->len;
		return 0;
	}
	return -1;
}

int re_compile(struct regex *re, const char *pattern)
{
	static struct parser ps;
	memset(re, 0, sizeof *re);
	ps.p = pattern;
	ps.n = 0;
	ps.re = re;
	ps.error = 0;
	int root = parse_alt(&ps);
	if (ps.error || *ps.p)
		return -1;
	if (gen(&ps, root) < 0 || emit(re, OP_MATCH, 0) < 0)
		return -1;
	return 0;
}
