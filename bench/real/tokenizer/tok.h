/* State machines over text: a table-driven lexer for a C-like language and
 * an incremental HTTP/1.1 request parser fed arbitrary pieces. */
#include <stddef.h>
#include <stdint.h>

enum token {
	T_IDENT, T_KEYWORD, T_NUMBER, T_FLOAT, T_STRING, T_CHAR, T_OP, T_PUNCT, T_COMMENT,
	T_SPACE, T_ERROR, NTOKENS
};
extern const char *const token_names[NTOKENS];

void lexer_init(void);
/* Calls emit for each token of text[0..n); returns the number of tokens. */
long lex(const char *text, size_t n, void (*emit)(enum token t, const char *s, size_t len, void *ctx),
	 void *ctx);

struct http_request {
	char method[8];
	char path[128];
	int version_minor;
	long content_length;
	int headers, keep_alive, done, error;
	long body_seen;
	/* parser state */
	int state;
	char name[32], value[128];
	int nlen, vlen, plen, mlen, vpos;
};
void http_reset(struct http_request *r);
/* Consumes up to n bytes; returns how many were used (less than n when a
 * request ended, so the rest starts the next one). */
size_t http_feed(struct http_request *r, const char *p, size_t n);
