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
#define NL_MAX_DGRAMS 16 /* answers to one send, at most */

/* A send's answers: datagrams one after the other in buf, each ending at
 * its ends[] offset. */
struct nl_answers {
	uint8_t *buf;
	uint32_t cap, len;
	uint32_t ends[NL_MAX_DGRAMS];
	int n;
};

/* Answer the messages in req (len bytes) that the socket of port id portid
 * sent to the kernel, as Linux's rtnetlink: dumps and gets of links
 * (RTM_GETLINK) and addresses (RTM_GETADDR), NLMSG_ERROR for the rest
 * (EOPNOTSUPP) and, asked with NLM_F_ACK, an acknowledgment; an error
 * carries the request back whole unless cap_ack (NETLINK_CAP_ACK).
 * Returns 0, or -ENOBUFS when the answers do not fit in a. */
int netlink_answer(const uint8_t *req, uint32_t len, uint32_t portid, bool cap_ack,
		   struct nl_answers *a);

#endif
