/*
 * NETLINK_ROUTE's answers (fs/netlink.c), for the netlink sockets of
 * fs/unix.c: what a program learns of the network's interfaces and
 * addresses, which here are the loopback's alone.
 */
#ifndef NETLINK_H
#define NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AF_NETLINK 16
#define NETLINK_ROUTE 0
#define NL_MAX_DGRAMS 4	    /* answers to one message, at most */
#define NL_ANSWER_ROOM 2048 /* their bytes, past the message's own */

/* A send's answers: datagrams one after the other in buf, each ending at
 * its ends[] offset. */
struct nl_answers {
	uint8_t *buf;
	uint32_t cap, len;
	uint32_t ends[NL_MAX_DGRAMS];
	int n;
};

/* The length of the message at the start of req (len bytes), aligned,
 * or 0 when no message starts there (what is left is then ignored, as
 * Linux does). */
uint32_t netlink_next(const uint8_t *req, uint32_t len);

/* Answer the message at msg (netlink_next's length) that the socket of
 * port id portid sent to the kernel, as Linux's rtnetlink: dumps and gets
 * of links (RTM_GETLINK) and addresses (RTM_GETADDR), NLMSG_ERROR for
 * the rest (EOPNOTSUPP) and, asked with NLM_F_ACK, an acknowledgment; an
 * error carries the request back whole unless cap_ack (NETLINK_CAP_ACK).
 * a needs room for the message's length and NL_ANSWER_ROOM more. Returns
 * 0, or -ENOBUFS when the answers do not fit in a. */
int netlink_answer(const uint8_t *msg, uint32_t portid, bool cap_ack, struct nl_answers *a);

#endif
