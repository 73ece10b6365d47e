/* An HTTP/1.1 request-head parser as a byte-at-a-time state machine, so
 * that a request may arrive split anywhere; then Content-Length bytes of
 * body are skipped. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tok.h"

enum { H_METHOD, H_PATH, H_VERSION, H_LINE_LF, H_NAME, H_VALUE_START, H_VALUE, H_HEADER_LF,
       H_END_LF, H_BODY, H_DONE };
static const char version_prefix[] = "HTTP/1.";

void http_reset(struct http_request *r)
{
	memset(r, 0, sizeof *r);
	r->state = H_METHOD;
	r->keep_alive = 1;
}

static void header_done(struct http_request *r)
{
	r->name[r->nlen] = 0;
	r->value[r->vlen] = 0;
	r->headers++;
	if (strcasecmp(r->name, "content-length") == 0)
		r->content_length = atol(r->value);
	else if (strcasecmp(r->name, "connection") == 0)
		r->keep_alive = strcasecmp(r->value, "close") != 0;
	r->nlen = r->vlen = 0;
}

static int step(struct http_request *r, char c)
{
	switch (r->state) {
	case H_METHOD:
		if (c == ' ')
			r->state = H_PATH;
		else if (r->mlen < 7 && c >= 'A' && c <= 'Z')
			r->method[r->mlen++] = c;
		else
			return -1;
		return 0;
	case H_PATH:
		if (c == ' ')
			r->state = H_VERSION;
		else if (r->plen < 127)
			r->path[r->plen++] = c;
		return 0;
	case H_VERSION:
		if (c == '\r') {
			r->state = H_LINE_LF;
		} else if (r->vpos < 7) {
			if (c != version_prefix[r->vpos++])
				return -1;
		} else if (c >= '0' && c <= '9') {
			r->version_minor = c - '0';
		}
		return 0;
	case H_LINE_LF:
	case H_HEADER_LF:
		if (c != '\n')
			return -1;
		r->state = H_NAME;
		return 0;
	case H_NAME:
		if (c == '\r' && r->nlen == 0)
			r->state = H_END_LF;
		else if (c == ':')
			r->state = H_VALUE_START;
		else if (r->nlen < 31)
			r->name[r->nlen++] = c;
		return 0;
	case H_VALUE_START:
		if (c == ' ')
			return 0;
		r->state = H_VALUE;
		/* fall through */
	case H_VALUE:
		if (c == '\r') {
			header_done(r);
			r->state = H_HEADER_LF;
		} else if (r->vlen < 127) {
			r->value[r->vlen++] = c;
		}
		return 0;
	case H_END_LF:
		if (c != '\n')
			return -1;
		r->state = r->content_length ? H_BODY : H_DONE;
		return 0;
	}
	return -1;
}

size_t http_feed(struct http_request *r, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && r->state != H_DONE) {
		if (r->state == H_BODY) {
			size_t want = (size_t)(r->content_length - r->body_seen);
			size_t k = want < n - i ? want : n - i;
			r->body_seen += (long)k;
			i += k;
			if (r->body_seen == r->content_length)
				r->state = H_DONE;
			continue;
		}
		if (step(r, p[i++]) < 0) {
			r->error = 1;
			r->state = H_DONE;
		}
	}
	r->done = r->state == H_DONE;
	return i;
}
