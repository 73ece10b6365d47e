/* The lexer: characters mapped to classes by a table, and a DFA whose
 * transition table (state x class) is filled in at start-up from a list
 * of rules. Accepting states name their token; the longest match wins. */
#include <string.h>

#include "tok.h"

const char *const token_names[NTOKENS] = {"ident", "keyword", "number", "float", "string",
					  "char",  "op",      "punct",  "comment", "space",
					  "error"};

enum cls { C_LETTER, C_DIGIT, C_DOT, C_QUOTE, C_APOS, C_BSLASH, C_SLASH, C_STAR, C_OPCH,
	   C_PUNCT, C_SPACE, C_NL, C_E, C_X, C_OTHER, NCLS };
enum state { S_START, S_IDENT, S_NUM, S_HEXPFX, S_HEX, S_DOT, S_FRAC, S_EXP, S_EXPDIG,
	     S_STR, S_STRESC, S_STREND, S_CHR, S_CHRESC, S_CHREND, S_SLASH, S_LINECOM,
	     S_BLOCKCOM, S_BLOCKSTAR, S_BLOCKEND, S_OP, S_PUNCT, S_SPACE, S_ERR, NSTATES };
#define DEAD 255

static uint8_t char_class[256];
static uint8_t next_state[NSTATES][NCLS];
static const int8_t accepts[NSTATES] = {
    [S_START] = -1, [S_IDENT] = T_IDENT, [S_NUM] = T_NUMBER, [S_HEXPFX] = -1,
    [S_HEX] = T_NUMBER, [S_DOT] = T_PUNCT, [S_FRAC] = T_FLOAT, [S_EXP] = -1,
    [S_EXPDIG] = T_FLOAT, [S_STR] = -1, [S_STRESC] = -1, [S_STREND] = T_STRING,
    [S_CHR] = -1, [S_CHRESC] = -1, [S_CHREND] = T_CHAR, [S_SLASH] = T_OP,
    [S_LINECOM] = T_COMMENT, [S_BLOCKCOM] = -1, [S_BLOCKSTAR] = -1,
    [S_BLOCKEND] = T_COMMENT, [S_OP] = T_OP, [S_PUNCT] = T_PUNCT, [S_SPACE] = T_SPACE,
    [S_ERR] = T_ERROR};
static const char *const keywords[] = {"if",     "else",   "while", "for",  "return",
				       "int",    "char",   "void",  "struct", "static",
				       "const",  "switch", "case",  "break", "unsigned"};

struct rule {
	uint8_t from, cls, to;
};
static const struct rule rules[] = {
    {S_START, C_LETTER, S_IDENT}, {S_START, C_E, S_IDENT},     {S_START, C_X, S_IDENT},
    {S_IDENT, C_LETTER, S_IDENT}, {S_IDENT, C_DIGIT, S_IDENT}, {S_IDENT, C_E, S_IDENT},
    {S_IDENT, C_X, S_IDENT},      {S_START, C_DIGIT, S_NUM},   {S_NUM, C_DIGIT, S_NUM},
    {S_NUM, C_X, S_HEXPFX},       {S_HEXPFX, C_DIGIT, S_HEX},  {S_HEXPFX, C_E, S_HEX},
    {S_HEX, C_DIGIT, S_HEX},      {S_HEX, C_E, S_HEX},         {S_NUM, C_DOT, S_FRAC},
    {S_START, C_DOT, S_DOT},      {S_DOT, C_DIGIT, S_FRAC},    {S_FRAC, C_DIGIT, S_FRAC},
    {S_NUM, C_E, S_EXP},          {S_FRAC, C_E, S_EXP},        {S_EXP, C_DIGIT, S_EXPDIG},
    {S_EXP, C_OPCH, S_EXP},       {S_EXPDIG, C_DIGIT, S_EXPDIG}, {S_START, C_QUOTE, S_STR},
    {S_STR, C_QUOTE, S_STREND},   {S_STR, C_BSLASH, S_STRESC}, {S_START, C_APOS, S_CHR},
    {S_CHR, C_APOS, S_CHREND},    {S_CHR, C_BSLASH, S_CHRESC}, {S_START, C_SLASH, S_SLASH},
    {S_SLASH, C_SLASH, S_LINECOM}, {S_SLASH, C_STAR, S_BLOCKCOM},
    {S_BLOCKCOM, C_STAR, S_BLOCKSTAR}, {S_BLOCKSTAR, C_STAR, S_BLOCKSTAR},
    {S_BLOCKSTAR, C_SLASH, S_BLOCKEND}, {S_START, C_OPCH, S_OP}, {S_START, C_STAR, S_OP},
    {S_OP, C_OPCH, S_OP},         {S_START, C_PUNCT, S_PUNCT}, {S_START, C_SPACE, S_SPACE},
    {S_START, C_NL, S_SPACE},     {S_SPACE, C_SPACE, S_SPACE}, {S_SPACE, C_NL, S_SPACE},
    {S_START, C_BSLASH, S_ERR},   {S_START, C_OTHER, S_ERR},
};

static void classify(const char *chars, enum cls c)
{
	for (; *chars; chars++)
		char_class[(unsigned char)*chars] = (uint8_t)c;
}

void lexer_init(void)
{
	memset(char_class, C_OTHER, sizeof char_class);
	for (int c = 'a'; c <= 'z'; c++)
		char_class[c] = char_class[c - 32] = C_LETTER;
	char_class['_'] = C_LETTER;
	classify("0123456789", C_DIGIT);
	classify("eE", C_E);
	classify("xX", C_X);
	classify(".", C_DOT);
	classify("\"", C_QUOTE);
	classify("'", C_APOS);
	classify("\\", C_BSLASH);
	classify("/", C_SLASH);
	classify("*", C_STAR);
	classify("+-<>=!&|^%~?:", C_OPCH);
	classify("(){}[];,", C_PUNCT);
	classify(" \t\r", C_SPACE);
	classify("\n", C_NL);
	memset(next_state, DEAD, sizeof next_state);
	/* inside strings, comments and escapes, everything not listed loops or
	 * returns: the defaults first, the rules then override them */
	for (int c = 0; c < NCLS; c++) {
		next_state[S_STR][c] = c == C_NL ? DEAD : S_STR;
		next_state[S_STRESC][c] = S_STR;
		next_state[S_CHR][c] = c == C_NL ? DEAD : S_CHR;
		next_state[S_CHRESC][c] = S_CHR;
		next_state[S_LINECOM][c] = c == C_NL ? DEAD : S_LINECOM;
		next_state[S_BLOCKCOM][c] = S_BLOCKCOM;
		next_state[S_BLOCKSTAR][c] = S_BLOCKCOM;
	}
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		next_state[rules[i].from][rules[i].cls] = rules[i].to;
}

static int is_keyword(const char *s, size_t len)
{
	for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
		if (strlen(keywords[k]) == len && memcmp(keywords[k], s, len) == 0)
			return 1;
	return 0;
}

long lex(const char *text, size_t n, void (*emit)(enum token t, const char *s, size_t len, void *ctx),
	 void *ctx)
{
	long count = 0;
	size_t pos = 0;
	while (pos < n) {
		int state = S_START, last_accept = -1;
		size_t i = pos, last_end = pos + 1;
		while (i < n) {
			int next = next_state[state][char_class[(unsigned char)text[i]]];
			if (next == DEAD)
				break;
			state = next;
			i++;
			if (accepts[state] >= 0) {
				last_accept = accepts[state];
				last_end = i;
			}
		}
		enum token t = last_accept < 0 ? T_ERROR : (enum token)last_accept;
		if (t == T_IDENT && is_keyword(text + pos, last_end - pos))
			t = T_KEYWORD;
		emit(t, text + pos, last_end - pos, ctx);
		count++;
		pos = last_end;
	}
	return count;
}
