/*
 * Names on the loopback interface, the one network a program has here:
 * what TCP and UDP sockets (fs/unix.c) are bound and connected to. An
 * address is kept in IPv6's 16 bytes, an IPv4 one mapped (::ffff:a.b.c.d),
 * so that one comparison serves both families and an IPv6 socket can take
 * IPv4 traffic, as Linux's can.
 */
#ifndef INET_H
#define INET_H

#include <stdbool.h>
#include <stdint.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_IP 0
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41

/* The loopback interface, the only one there is: lo, as Linux's. */
#define LO_INDEX 1
#define LO_MTU 65536
#define LO_TXQLEN 1000
#define LO_IFF 0x49 /* IFF_UP | IFF_LOOPBACK | IFF_RUNNING: its flags in a short */
#define IFF_LOWER_UP 0x10000
#define ARPHRD_LOOPBACK 772

#define INET_PORT_LO 32768 /* the ports bind and connect choose from: Linux's */
#define INET_PORT_HI 60999 /* default ip_local_port_range */

struct inet_name {
	uint8_t addr[16];	  /* IPv6, or IPv4 mapped */
	uint16_t port;		  /* host order; 0: none */
	uint32_t flowinfo, scope; /* an IPv6 name's, given back as given */
};

/* The name a program gives a socket of family (AF_INET, AF_INET6) in raw
 * (len bytes), in Linux's order of checks: EINVAL (too short), EAFNOSUPPORT
 * (another family; an IPv4 socket also takes AF_UNSPEC with the wildcard
 * address, as Linux's bind). */
int inet_name_parse(int family, const uint8_t *raw, uint32_t len, struct inet_name *n);

/* n as a sockaddr of family into out (16 or 28 bytes); returns its length.
 * An IPv6 socket shows an IPv4 address mapped. */
uint32_t inet_name_format(int family, const struct inet_name *n, uint8_t out[28]);

bool inet_is_v4(const struct inet_name *n);    /* mapped IPv4, the wildcard's too */
bool inet_is_any(const struct inet_name *n);   /* 0.0.0.0 or :: */
bool inet_is_local(const struct inet_name *n); /* 127/8, ::1, or a wildcard */
bool inet_same_addr(const struct inet_name *a, const struct inet_name *b);

/* The wildcard and the loopback's own address of an IPv4 or IPv6 name. */
void inet_any(struct inet_name *n, bool v4);
void inet_loopback(struct inet_name *n, bool v4);

#endif
