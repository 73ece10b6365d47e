/*
 * NETLINK_ROUTE's answers (netlink.h), built as Linux's rtnetlink builds
 * them: a dump is the matching RTM_NEW* messages, each marked
 * NLM_F_MULTI, then NLMSG_DONE, all in one datagram (they fit: there is
 * one interface); a get is one message; a request for what is not here
 * is an NLMSG_ERROR carrying the request back. The network is the
 * loopback interface alone: lo, index 1, with 127.0.0.1/8 and ::1/128.
 */
#include "netlink.h"
#include "inet.h"
#include "kerrno.h"
#include "kstring.h"

#define NLMSG_HDR 16
#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI 0x2
#define NLM_F_ACK 0x4
#define NLM_F_DUMP 0x300
#define NLM_F_CAPPED 0x100
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLMSG_MIN_TYPE 0x10
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RTM_MAX 123 /* Linux 6.1's last message type */

#define IFLA_ADDRESS 1
#define IFLA_BROADCAST 2
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFLA_QDISC 6
#define IFLA_TXQLEN 13
#define IFLA_OPERSTATE 16
#define IFLA_LINKMODE 17
#define IFLA_GROUP 27
#define IFLA_PROMISCUITY 30
#define IFLA_NUM_TX_QUEUES 31
#define IFLA_NUM_RX_QUEUES 32
#define IFLA_CARRIER 33
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define IFA_CACHEINFO 6
#define IFA_FLAGS 8

#define AF_UNSPEC 0
#define AF_BRIDGE 7
#define IFA_F_PERMANENT 0x80
#define RT_SCOPE_HOST 254

static uint32_t align4(uint32_t n)
{
	return (n + 3) & ~3u;
}

/* The message being built: its header's offset in a->buf, or -1 once
 * something did not fit (every later put is then a no-op). */
struct msg {
	struct nl_answers *a;
	int64_t at;
};

static void put(struct msg *m, const void *p, uint32_t n)
{
	struct nl_answers *a = m->a;
	uint32_t room = align4(n);
	if (m->at < 0 || a->len + room > a->cap) {
		m->at = -1;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	memset(a->buf + a->len + n, 0, room - n);
	a->len += room;
}

static struct msg begin(struct nl_answers *a, uint16_t type, uint16_t flags, uint32_t seq,
			uint32_t portid)
{
	struct msg m = {a, a->len};
	uint8_t h[NLMSG_HDR] = {0};
	memcpy(h + 4, &type, 2);
	memcpy(h + 6, &flags, 2);
	memcpy(h + 8, &seq, 4);
	memcpy(h + 12, &portid, 4);
	put(&m, h, sizeof h);
	return m;
}

/* The message's length into its header; -ENOBUFS if it did not fit. */
static int end(struct msg *m)
{
	if (m->at < 0)
		return -ENOBUFS;
	uint32_t len = m->a->len - (uint32_t)m->at;
	memcpy(m->a->buf + m->at, &len, 4);
	return 0;
}

static void attr(struct msg *m, uint16_t type, const void *p, uint16_t n)
{
	uint16_t h[2] = {(uint16_t)(4 + n), type};
	put(m, h, sizeof h);
	if (n)
		put(m, p, n);
}

static void attr32(struct msg *m, uint16_t type, uint32_t v)
{
	attr(m, type, &v, sizeof v);
}

static void attr8(struct msg *m, uint16_t type, uint8_t v)
{
	attr(m, type, &v, sizeof v);
}

/* The datagram under way ends here. */
static int dgram_end(struct nl_answers *a)
{
	if (a->n == NL_MAX_DGRAMS)
		return -ENOBUFS;
	a->ends[a->n++] = a->len;
	return 0;
}

static int link_msg(struct nl_answers *a, uint16_t flags, uint32_t seq, uint32_t portid)
{
	static const uint8_t zeros[6];
	struct msg m = begin(a, RTM_NEWLINK, flags, seq, portid);
	uint8_t ifi[16] = {AF_UNSPEC, 0};
	uint16_t type = ARPHRD_LOOPBACK;
	int32_t index = LO_INDEX;
	uint32_t iflags = LO_IFF | IFF_LOWER_UP;
	memcpy(ifi + 2, &type, 2);
	memcpy(ifi + 4, &index, 4);
	memcpy(ifi + 8, &iflags, 4);
	put(&m, ifi, sizeof ifi);
	attr(&m, IFLA_IFNAME, "lo", 3);
	attr32(&m, IFLA_TXQLEN, LO_TXQLEN);
	attr8(&m, IFLA_OPERSTATE, 0); /* IF_OPER_UNKNOWN, as lo's */
	attr8(&m, IFLA_LINKMODE, 0);
	attr32(&m, IFLA_MTU, LO_MTU);
	attr32(&m, IFLA_GROUP, 0);
	attr32(&m, IFLA_PROMISCUITY, 0);
	attr32(&m, IFLA_NUM_TX_QUEUES, 1);
	attr32(&m, IFLA_NUM_RX_QUEUES, 1);
	attr8(&m, IFLA_CARRIER, 1);
	attr(&m, IFLA_QDISC, "noqueue", 8);
	attr(&m, IFLA_ADDRESS, zeros, sizeof zeros);
	attr(&m, IFLA_BROADCAST, zeros, sizeof zeros);
	return end(&m);
}

/* lo's address of family (AF_INET, AF_INET6). */
static int addr_msg(struct nl_answers *a, int family, uint16_t flags, uint32_t seq, uint32_t portid)
{
	struct msg m = begin(a, RTM_NEWADDR, flags, seq, portid);
	uint8_t ifa[8] = {(uint8_t)family, family == AF_INET ? 8 : 128, IFA_F_PERMANENT,
			  RT_SCOPE_HOST};
	int32_t index = LO_INDEX;
	memcpy(ifa + 4, &index, 4);
	put(&m, ifa, sizeof ifa);
	struct inet_name lo;
	inet_loopback(&lo, family == AF_INET);
	const uint32_t forever[4] = {0xffffffff, 0xffffffff, 0, 0}; /* preferred, valid, stamps */
	if (family == AF_INET) {
		attr(&m, IFA_ADDRESS, lo.addr + 12, 4);
		attr(&m, IFA_LOCAL, lo.addr + 12, 4);
		attr(&m, IFA_LABEL, "lo", 3);
		attr32(&m, IFA_FLAGS, IFA_F_PERMANENT);
		attr(&m, IFA_CACHEINFO, forever, sizeof forever);
	} else {
		attr(&m, IFA_ADDRESS, lo.addr, 16);
		attr(&m, IFA_CACHEINFO, forever, sizeof forever);
		attr32(&m, IFA_FLAGS, IFA_F_PERMANENT);
	}
	return end(&m);
}

/* NLMSG_ERROR for the request at req (err 0: an acknowledgment, which
 * carries its header alone, as Linux's, and so does every one with
 * cap_ack). */
static int error_msg(struct nl_answers *a, const uint8_t *req, uint32_t req_len, int err,
		     uint32_t portid, bool cap_ack)
{
	uint32_t seq;
	bool whole = err && !cap_ack;
	memcpy(&seq, req + 8, 4);
	struct msg m = begin(a, NLMSG_ERROR, whole ? 0 : NLM_F_CAPPED, seq, portid);
	int32_t e = err;
	put(&m, &e, sizeof e);
	put(&m, req, whole ? req_len : NLMSG_HDR);
	int r = end(&m);
	return r ? r : dgram_end(a);
}

/* A request for a link, as Linux's: by index when it is positive, else
 * by the last IFLA_IFNAME (up to its NUL; ERANGE for an empty one or one
 * past 15 bytes), else EINVAL; lo alone is here. */
static int link_wanted(const uint8_t *payload, uint32_t n)
{
	if (n < 16)
		return -EINVAL;
	int32_t index;
	memcpy(&index, payload + 4, 4);
	if (index > 0)
		return index == LO_INDEX ? 0 : -ENODEV;
	const uint8_t *name = NULL;
	uint32_t name_len = 0;
	for (uint32_t off = 16; off + 4 <= n;) {
		uint16_t alen, type;
		memcpy(&alen, payload + off, 2);
		memcpy(&type, payload + off + 2, 2);
		if (alen < 4 || off + alen > n)
			break;
		if (type == IFLA_IFNAME) /* (the last one counts) */
			name = payload + off + 4, name_len = alen - 4u;
		off += align4(alen);
	}
	if (!name)
		return -EINVAL;
	/* Linux's string check: not empty, at most 15 bytes besides a last NUL */
	uint32_t checked = name_len && !name[name_len - 1] ? name_len - 1 : name_len;
	if (!name_len || checked > 15)
		return -ERANGE;
	uint32_t k = 0;
	while (k < name_len && name[k])
		k++;
	return k == 2 && !memcmp(name, "lo", 2) ? 0 : -ENODEV;
}

uint32_t netlink_next(const uint8_t *req, uint32_t len)
{
	uint32_t mlen;
	if (len < NLMSG_HDR)
		return 0;
	memcpy(&mlen, req, 4);
	if (mlen < NLMSG_HDR || mlen > len)
		return 0; /* the rest is not a message, as Linux's netlink_rcv_skb */
	return align4(mlen) < len ? align4(mlen) : len;
}

int netlink_answer(const uint8_t *h, uint32_t portid, bool cap_ack, struct nl_answers *a)
{
	uint32_t mlen, seq;
	uint16_t type, flags;
	memcpy(&mlen, h, 4);
	memcpy(&type, h + 4, 2);
	memcpy(&flags, h + 6, 2);
	memcpy(&seq, h + 8, 4);
	const uint8_t *payload = h + NLMSG_HDR;
	uint32_t n = mlen - NLMSG_HDR;
	int err = 0, r = 0;
	bool answered = false;
	if (!(flags & NLM_F_REQUEST) || type < NLMSG_MIN_TYPE) {
		/* not a request: only an acknowledgment, if asked */
	} else if (type > RTM_MAX) {
		err = -EOPNOTSUPP;
	} else if (!n) {
		/* no family byte: nothing to do, as Linux's rtnetlink_rcv_msg */
	} else if ((type == RTM_GETLINK || type == RTM_GETADDR) && flags & NLM_F_DUMP) {
		int family = payload[0];
		if (type == RTM_GETLINK && family != AF_BRIDGE) { /* (bridges: none) */
			r = link_msg(a, NLM_F_MULTI, seq, portid);
		} else if (type == RTM_GETADDR) { /* another family: both, as Linux */
			if (family != AF_INET6)
				r = addr_msg(a, AF_INET, NLM_F_MULTI, seq, portid);
			if (!r && family != AF_INET)
				r = addr_msg(a, AF_INET6, NLM_F_MULTI, seq, portid);
		}
		struct msg done = begin(a, NLMSG_DONE, NLM_F_MULTI, seq, portid);
		int32_t zero = 0;
		put(&done, &zero, sizeof zero);
		if (!r)
			r = end(&done);
		if (!r)
			r = dgram_end(a);
		answered = true;
	} else if (type == RTM_GETLINK) {
		err = link_wanted(payload, n);
		if (!err) {
			r = link_msg(a, 0, seq, portid);
			if (!r)
				r = dgram_end(a);
		}
	} else {
		err = -EOPNOTSUPP; /* routes, neighbours, changes: not here */
	}
	if (!r && (err || (flags & NLM_F_ACK && !answered)))
		r = error_msg(a, h, mlen, err, portid, cap_ack);
	return r;
}
