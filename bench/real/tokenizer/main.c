/*
 * A server's front end: a stream of pipelined HTTP requests arriving in
 * pieces of random size, parsed incrementally, and the C-like source text
 * of their bodies lexed, counting tokens of each kind.
 * usage: tokenizer [REQUESTS]   (default 300000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"

static const char *const snippets[] = {
    "static int count_%u(const char *s) {\n\tint n = 0;\n\twhile (*s) n += *s++ == 'x';\n\treturn n;\n}\n",
    "/* block comment %u, with * stars ** inside */\n",
    "for (i = 0; i < %u; i++) total += table[i] * 0x1f + 3.5e-2;\n",
    "if (a >= b && c != d) { s = \"text with \\\"quotes\\\" %u\"; } else break;\n",
    "// line comment %u\nunsigned long v = 12345 %% 7 << 2;\n",
    "struct point { int x, y; } p%u = { .x = 1, .y = -2 };\n",
    "x = y ? .5 : 1.25e+3; c = '\\n'; @ # %u\n",
};
static const char *const paths[] = {"/", "/compile", "/lint", "/format", "/api/v2/check"};
static const char *const agents[] = {"curl/8.0", "Mozilla/5.0 (X11)", "lexbench/1"};

static uint32_t lfsr = 0xace1u;
/* A 32-bit Galois LFSR, taps 32, 22, 2, 1. */
static uint32_t lfsr_next(void)
{
	for (int i = 0; i < 8; i++)
		lfsr = (lfsr >> 1) ^ (-(lfsr & 1u) & 0x80200003u);
	return lfsr;
}

struct tally {
	long kinds[NTOKENS];
	uint32_t hash;
};

static void count_token(enum token t, const char *s, size_t len, void *ctx)
{
	struct tally *tl = ctx;
	tl->kinds[t]++;
	if (t != T_SPACE)
		tl->hash = (tl->hash ^ (uint32_t)len ^ (uint32_t)(unsigned char)s[0]) * 0x01000193u;
}

static size_t make_body(char *body, size_t cap)
{
	size_t len = 0;
	int parts = 3 + (int)(lfsr_next() % 10);
	for (int i = 0; i < parts && len + 200 < cap; i++)
		len += (size_t)snprintf(body + len, cap - len, snippets[lfsr_next() % 7],
					lfsr_next() % 1000);
	return len;
}

static size_t make_request(char *buf, size_t cap)
{
	static char body[4096];
	size_t blen = make_body(body, sizeof body);
	int n = snprintf(buf, cap,
			 "POST %s?id=%u HTTP/1.1\r\nHost: example.org\r\nUser-Agent: %s\r\n"
			 "Content-Type: text/x-c\r\nContent-Length: %zu\r\nConnection: %s\r\n\r\n",
			 paths[lfsr_next() % 5], lfsr_next() % 100000, agents[lfsr_next() % 3], blen,
			 lfsr_next() % 8 ? "keep-alive" : "close");
	memcpy(buf + n, body, blen);
	return (size_t)n + blen;
}

int main(int argc, char **argv)
{
	long requests = argc > 1 ? atol(argv[1]) : 300000;
	if (requests < 0) {
		fprintf(stderr, "usage: tokenizer [REQUESTS]\n");
		return 2;
	}
	lexer_init();
	static char stream[8192];
	struct tally tl = {{0}, 2166136261u};
	struct http_request req;
	long parsed = 0, errors = 0, closes = 0, headers = 0, tokens = 0;
	for (long q = 0; q < requests; q++) {
		size_t len = make_request(stream, sizeof stream), off = 0;
		http_reset(&req);
		while (off < len && !req.done) {
			size_t piece = 1 + lfsr_next() % 700;
			off += http_feed(&req, stream + off, piece < len - off ? piece : len - off);
		}
		parsed += req.done && !req.error;
		errors += req.error;
		closes += !req.keep_alive;
		headers += req.headers;
		if (req.done && !req.error)
			tokens += lex(stream + off - req.content_length, (size_t)req.content_length,
				      count_token, &tl);
	}
	printf("tokenizer: %ld requests parsed, %ld errors, %ld headers, %ld closing, %ld tokens\n",
	       parsed, errors, headers, closes, tokens);
	for (int t = 0; t < NTOKENS; t++)
		printf("  %-8s %ld\n", token_names[t], tl.kinds[t]);
	printf("  hash %08x\n", tl.hash);
	return 0;
}
