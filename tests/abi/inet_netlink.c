/* The network's interfaces through netlink (NETLINK_ROUTE), against
 * Linux: getifaddrs and if_nameindex (the C library's dumps of links and
 * addresses), and a socket of its own: its address, a get of link 1 with
 * an acknowledgment, an unknown link, an unknown message type, a request
 * with no payload, a link asked for by name, ten requests in one send,
 * dumps that end with NLMSG_DONE, groups, and the calls netlink refuses. The host has other
 * interfaces than lo: only lo's lines are printed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "result_name.h"

static const char *addr_str(const struct sockaddr *sa)
{
	static char b[4][80];
	static int n;
	char *s = b[n++ % 4];
	if (!sa)
		return "none";
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, s, 80);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, s, 80);
	else if (sa->sa_family == AF_PACKET) {
		const struct sockaddr_ll *l = (const void *)sa;
		snprintf(s, 80, "packet index %d type %d halen %d", l->sll_ifindex, l->sll_hatype,
			 l->sll_halen);
	} else
		snprintf(s, 80, "family %d", sa->sa_family);
	return s;
}

/* Send one request and print what comes back, up to NLMSG_DONE, the
 * error (or acknowledgment) that ends it, or nothing more queued (the
 * kernel answers within the send, or a dump's rest within the receive);
 * lo's links alone by name. */
static void ask(int fd, const char *what, void *req, size_t len, int ends_with_ack)
{
	printf("%s: send %s;", what, res(send(fd, req, len, 0)));
	for (int dgrams = 0; dgrams < 100000; dgrams++) {
		char buf[65536];
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0) {
			printf(" recv %s\n", res(n));
			return;
		}
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				printf(" DONE(multi %d)\n", !!(h->nlmsg_flags & NLM_F_MULTI));
				return;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				errno = -e->error;
				printf(" ERROR %s (capped %d, request seq %u)%s",
				       e->error ? errno_name() : "0",
				       !!(h->nlmsg_flags & NLM_F_CAPPED), e->msg.nlmsg_seq,
				       e->error || ends_with_ack ? "\n" : "");
				if (e->error || ends_with_ack)
					return;
				continue;
			}
			if (h->nlmsg_type == RTM_NEWLINK) {
				struct ifinfomsg *i = NLMSG_DATA(h);
				int len = IFLA_PAYLOAD(h);
				const char *name = "?";
				unsigned mtu = 0;
				for (struct rtattr *a = IFLA_RTA(i); RTA_OK(a, len);
				     a = RTA_NEXT(a, len)) {
					if (a->rta_type == IFLA_IFNAME)
						name = RTA_DATA(a);
					if (a->rta_type == IFLA_MTU)
						memcpy(&mtu, RTA_DATA(a), 4);
				}
				if (!strcmp(name, "lo"))
					printf(" NEWLINK lo index %d type %u flags %#x mtu %u "
					       "multi %d;",
					       i->ifi_index, i->ifi_type, i->ifi_flags, mtu,
					       !!(h->nlmsg_flags & NLM_F_MULTI));
			} else if (h->nlmsg_type == RTM_NEWADDR) {
				struct ifaddrmsg *i = NLMSG_DATA(h);
				if (i->ifa_index == 1)
					printf(" NEWADDR family %d /%d scope %d;", i->ifa_family,
					       i->ifa_prefixlen, i->ifa_scope);
			}
		}
	}
	printf(" (no end)\n");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct ifaddrs *all;
	printf("getifaddrs: %s\n", res(getifaddrs(&all)));
	for (struct ifaddrs *i = all; i; i = i->ifa_next)
		if (!strcmp(i->ifa_name, "lo"))
			printf("  lo flags %#x addr %s netmask %s\n", i->ifa_flags,
			       addr_str(i->ifa_addr), addr_str(i->ifa_netmask));
	freeifaddrs(all);
	struct if_nameindex *ni = if_nameindex();
	for (struct if_nameindex *p = ni; p && p->if_index; p++)
		if (!strcmp(p->if_name, "lo"))
			printf("if_nameindex: %u %s\n", p->if_index, p->if_name);
	if_freenameindex(ni);

	printf("socket SOCK_STREAM: %s; protocol 99: %s\n",
	       res(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE)),
	       res(socket(AF_NETLINK, SOCK_RAW, 99)));
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int v;
	socklen_t vl = sizeof v;
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl);
	printf("socket: %s, SO_TYPE %d", res(fd), v);
	struct sockaddr_nl me;
	socklen_t ml = sizeof me;
	getsockname(fd, (void *)&me, &ml);
	printf(", unbound name: family %d pid %u (%u bytes)\n", me.nl_family, me.nl_pid, ml);
	struct sockaddr_nl a = {.nl_family = AF_NETLINK};
	printf("bind 0: %s; ", res(bind(fd, (void *)&a, sizeof a)));
	ml = sizeof me;
	getsockname(fd, (void *)&me, &ml);
	printf("its port id is the pid: %s; ", me.nl_pid == (unsigned)getpid() ? "yes" : "no");
	a.nl_pid = me.nl_pid + 1;
	printf("bind again elsewhere: %s; ", res(bind(fd, (void *)&a, sizeof a)));
	struct sockaddr_nl peer;
	socklen_t pl = sizeof peer;
	printf("getpeername: %s pid %u\n", res(getpeername(fd, (void *)&peer, &pl)), peer.nl_pid);
	int two = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
	a.nl_pid = me.nl_pid;
	printf("a second socket on that port id: %s\n", res(bind(two, (void *)&a, sizeof a)));
	close(two);

	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} link = {{sizeof link, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, 0}, {.ifi_index = 1}};
	ask(fd, "get link 1 with an ack", &link, sizeof link, 1);
	link.i.ifi_index = 0x7fff0000;
	link.h.nlmsg_seq = 8;
	ask(fd, "get link 0x7fff0000", &link, sizeof link, 0);
	link.h.nlmsg_type = 200;
	link.h.nlmsg_seq = 9;
	ask(fd, "message type 200", &link, sizeof link, 0);
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} dump = {{sizeof dump, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 10, 0}, {AF_UNSPEC}};
	ask(fd, "dump links", &dump, sizeof dump, 0);
	dump.h.nlmsg_type = RTM_GETADDR;
	dump.g.rtgen_family = AF_INET6;
	ask(fd, "dump IPv6 addresses", &dump, sizeof dump, 0);
	dump.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ROOT;
	ask(fd, "the same with NLM_F_ROOT alone", &dump, sizeof dump, 0);
	link.h.nlmsg_type = RTM_GETLINK;
	link.h.nlmsg_len = sizeof link.h;
	link.h.nlmsg_seq = 12;
	ask(fd, "get link with no payload, an ack", &link, sizeof link.h, 1);
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
		struct rtattr a;
		char name[4];
	} by_name = {{sizeof by_name, RTM_GETLINK, NLM_F_REQUEST, 13, 0},
		     {.ifi_index = -5},
		     {RTA_LENGTH(2), IFLA_IFNAME},
		     "lo"};
	ask(fd, "get link -5 named lo (no NUL)", &by_name, sizeof by_name, 0);
	by_name.a.rta_len = RTA_LENGTH(0);
	by_name.h.nlmsg_len = NLMSG_LENGTH(sizeof by_name.i) + RTA_LENGTH(0);
	ask(fd, "get link -5 with an empty name", &by_name, by_name.h.nlmsg_len, 0);
	link.h.nlmsg_len = sizeof link;
	link.i.ifi_index = 1;
	char batch[10 * sizeof link];
	for (int i = 0; i < 10; i++) {
		link.h.nlmsg_seq = 100 + i;
		memcpy(batch + i * sizeof link, &link, sizeof link);
	}
	printf("ten gets with acks in one send: %s;", res(send(fd, batch, sizeof batch, 0)));
	int got = 0;
	for (; got < 30; got++) {
		char buf[8192];
		if (recv(fd, buf, sizeof buf, MSG_DONTWAIT) < 0)
			break;
	}
	printf(" %d datagrams came\n", got);
	int group = 1;
	printf("join group 1: %s; ",
	       res(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group)));
	ml = sizeof me;
	getsockname(fd, (void *)&me, &ml);
	group = 0;
	printf("groups %#x; group 0: %s; FIONREAD %s; shutdown %s; socketpair %s\n", me.nl_groups,
	       res(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group)),
	       res(ioctl(fd, FIONREAD, &group)), res(shutdown(fd, SHUT_RDWR)),
	       res(socketpair(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, (int[2]){0})));
	int cap = 1;
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &cap, sizeof cap);
	link.h.nlmsg_type = 200;
	link.h.nlmsg_seq = 11;
	ask(fd, "message type 200, NETLINK_CAP_ACK", &link, sizeof link, 0);
	close(fd);
	return 0;
}
