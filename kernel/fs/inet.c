/*
 * Names on the loopback interface (inet.h): sockaddr_in and sockaddr_in6
 * read and written as Linux's, and the few facts about addresses that the
 * sockets need.
 */
#include "inet.h"
#include "kerrno.h"
#include "kstring.h"

#define AF_UNSPEC 0
#define SIN_LEN 16	/* sizeof (struct sockaddr_in) */
#define SIN6_LEN 28	/* sizeof (struct sockaddr_in6) */
#define SIN6_LEN_OLD 24 /* RFC 2133's, without sin6_scope_id: Linux takes it */

static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int inet_name_parse(int family, const uint8_t *raw, uint32_t len, struct inet_name *n)
{
	uint16_t given;
	*n = (struct inet_name){0};
	if (family == AF_INET) {
		if (len < SIN_LEN)
			return -EINVAL;
		memcpy(&given, raw, sizeof given);
		memcpy(n->addr, mapped_prefix, sizeof mapped_prefix);
		memcpy(n->addr + 12, raw + 4, 4);
		if (given != AF_INET && !(given == AF_UNSPEC && inet_is_any(n)))
			return -EAFNOSUPPORT;
		n->port = be16(raw + 2);
		return 0;
	}
	if (len < SIN6_LEN_OLD)
		return -EINVAL;
	memcpy(&given, raw, sizeof given);
	if (given != AF_INET6)
		return -EAFNOSUPPORT;
	n->port = be16(raw + 2);
	memcpy(&n->flowinfo, raw + 4, 4);
	memcpy(n->addr, raw + 8, 16);
	if (len >= SIN6_LEN)
		memcpy(&n->scope, raw + 24, 4);
	return 0;
}

uint32_t inet_name_format(int family, const struct inet_name *n, uint8_t out[28])
{
	if (family == AF_INET) {
		memset(out, 0, SIN_LEN);
		uint16_t f = AF_INET;
		memcpy(out, &f, sizeof f);
		put_be16(out + 2, n->port);
		memcpy(out + 4, n->addr + 12, 4);
		return SIN_LEN;
	}
	memset(out, 0, SIN6_LEN);
	uint16_t f = AF_INET6;
	memcpy(out, &f, sizeof f);
	put_be16(out + 2, n->port);
	memcpy(out + 4, &n->flowinfo, 4);
	memcpy(out + 8, n->addr, 16);
	memcpy(out + 24, &n->scope, 4);
	return SIN6_LEN;
}

bool inet_is_v4(const struct inet_name *n)
{
	return !memcmp(n->addr, mapped_prefix, sizeof mapped_prefix);
}

bool inet_is_any(const struct inet_name *n)
{
	static const uint8_t zero[16];
	return !memcmp(n->addr + 12, zero, 4) &&
	       (inet_is_v4(n) || !memcmp(n->addr, zero, sizeof zero));
}

bool inet_is_local(const struct inet_name *n)
{
	static const uint8_t one[16] = {[15] = 1};
	if (inet_is_any(n))
		return true;
	return inet_is_v4(n) ? n->addr[12] == 127 : !memcmp(n->addr, one, sizeof one);
}

bool inet_same_addr(const struct inet_name *a, const struct inet_name *b)
{
	return !memcmp(a->addr, b->addr, sizeof a->addr);
}

void inet_any(struct inet_name *n, bool v4)
{
	memset(n->addr, 0, sizeof n->addr);
	if (v4)
		memcpy(n->addr, mapped_prefix, sizeof mapped_prefix);
}

void inet_loopback(struct inet_name *n, bool v4)
{
	inet_any(n, v4);
	if (v4)
		n->addr[12] = 127;
	n->addr[15] = 1;
}
