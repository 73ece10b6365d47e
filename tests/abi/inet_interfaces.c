/* The loopback interface as programs ask about it, against Linux: the
 * interface ioctls on IPv4, Unix and IPv6 sockets (flags, addresses, MTU,
 * hardware address, index, queue length; the address ones IPv4 sockets'
 * alone), SIOCGIFNAME, an alias's name, SIOCGIFCONF's entry for "lo" (the host has other
 * interfaces: only lo's is printed), an unknown name, and the C library's
 * if_nametoindex and if_indextoname, which use them. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "result_name.h"

int main(void)
{
	static const struct {
		unsigned long cmd;
		const char *name;
	} cmds[] = {
	    {SIOCGIFFLAGS, "SIOCGIFFLAGS"},	{SIOCGIFADDR, "SIOCGIFADDR"},
	    {SIOCGIFDSTADDR, "SIOCGIFDSTADDR"}, {SIOCGIFBRDADDR, "SIOCGIFBRDADDR"},
	    {SIOCGIFNETMASK, "SIOCGIFNETMASK"}, {SIOCGIFMETRIC, "SIOCGIFMETRIC"},
	    {SIOCGIFMTU, "SIOCGIFMTU"},		{SIOCGIFHWADDR, "SIOCGIFHWADDR"},
	    {SIOCGIFINDEX, "SIOCGIFINDEX"},	{SIOCGIFTXQLEN, "SIOCGIFTXQLEN"},
	};
	static const int families[] = {AF_INET, AF_UNIX, AF_INET6};
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int f = 0; f < 3; f++) {
		int s = socket(families[f], SOCK_DGRAM, 0);
		printf("-- family %d\n", families[f]);
		for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
			struct ifreq r;
			memset(&r, 0xee, sizeof r);
			strcpy(r.ifr_name, "lo");
			int e = ioctl(s, cmds[i].cmd, &r);
			printf("%s: %s", cmds[i].name, res(e));
			const unsigned char *u = (const unsigned char *)&r.ifr_ifru;
			for (int k = 0; !e && k < 16; k++)
				printf(" %02x", u[k]);
			printf("\n");
		}
		struct ifreq r;
		memset(&r, 0, sizeof r);
		strcpy(r.ifr_name, "nosuch0");
		printf("SIOCGIFFLAGS of nosuch0: %s\n", res(ioctl(s, SIOCGIFFLAGS, &r)));
		r.ifr_ifindex = 1;
		printf("SIOCGIFNAME of 1: %s", res(ioctl(s, SIOCGIFNAME, &r)));
		for (int k = 0; k < 8; k++)
			printf(" %02x", (unsigned char)r.ifr_name[k]);
		printf("\n");
		memset(&r, 0, sizeof r);
		strcpy(r.ifr_name, "lo:0");
		printf("the alias lo:0: SIOCGIFFLAGS %s", res(ioctl(s, SIOCGIFFLAGS, &r)));
		printf(", SIOCGIFADDR %s\n", res(ioctl(s, SIOCGIFADDR, &r)));
		r.ifr_ifindex = 0;
		printf("SIOCGIFNAME of 0: %s\n", res(ioctl(s, SIOCGIFNAME, &r)));
		struct ifconf c = {0};
		int e = ioctl(s, SIOCGIFCONF, &c);
		printf("SIOCGIFCONF without a buffer: %s, room for whole entries: %s\n", res(e),
		       c.ifc_len >= (int)sizeof r && c.ifc_len % (int)sizeof r == 0 ? "yes" : "no");
		struct ifreq all[64];
		c.ifc_len = sizeof all;
		c.ifc_req = all;
		e = ioctl(s, SIOCGIFCONF, &c);
		for (int i = 0; !e && i < c.ifc_len / (int)sizeof r; i++) {
			if (strcmp(all[i].ifr_name, "lo"))
				continue;
			const unsigned char *u = (const unsigned char *)&all[i].ifr_addr;
			printf("SIOCGIFCONF's lo:");
			for (int k = 0; k < 16; k++)
				printf(" %02x", u[k]);
			printf("\n");
		}
		c.ifc_len = sizeof r - 1;
		printf("SIOCGIFCONF, room for less than one: %s, %d bytes\n",
		       res(ioctl(s, SIOCGIFCONF, &c)), c.ifc_len);
		close(s);
	}
	char name[IF_NAMESIZE] = "";
	printf("if_nametoindex(lo) %u, if_indextoname(1) %s, if_nametoindex(nosuch0) %u\n",
	       if_nametoindex("lo"), if_indextoname(1, name), if_nametoindex("nosuch0"));
	return 0;
}
