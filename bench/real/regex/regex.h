/* A small regular-expression engine: patterns (literals, ., [classes],
 * \d \w \s, groups, |, * + ?, ^ $) parsed to a tree, compiled to a
 * program for a backtracking matcher and a Pike-style NFA simulation. */
#include <stdint.h>

enum op { OP_CHAR, OP_ANY, OP_CLASS, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_MATCH };

struct inst {
	enum op op;
	int arg, x, y; /* arg: char or class number; x, y: targets */
};

#define RE_MAX_INST 256
#define RE_MAX_CLASS 16
struct regex {
	struct inst code[RE_MAX_INST];
	int len;
	uint8_t classes[RE_MAX_CLASS][32]; /* 256-bit sets */
	int nclasses;
};

int re_compile(struct regex *re, const char *pattern);
int re_search_backtrack(const struct regex *re, const char *s, int n);
int re_search_pike(const struct regex *re, const char *s, int n);

static inline int class_has(const uint8_t *set, unsigned char c)
{
	return set[c >> 3] >> (c & 7) & 1;
}
