/* set_mempolicy, get_mempolicy and mbind were ENOSYS (libnuma, hwloc and
 * NUMA-aware runtimes call them). On a machine of one node every policy
 * is checked and kept, and node 0 is the only node. Compared with Linux:
 * only what holds on a machine of any number of nodes is printed, and
 * kernels from 6.1 on agree on it. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)

static long set(int mode, unsigned long *mask, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, (long)mode, mask, maxnode);
}

static void show(const char *what)
{
	int mode = -1;
	unsigned long mask[2] = {~0ul, ~0ul};
	long r = syscall(SYS_get_mempolicy, &mode, mask, 128ul, 0ul, 0ul);
	printf("%s: %s mode %#x mask %#lx %#lx\n", what, res(r), mode, mask[0], mask[1]);
}

int main(void)
{
	unsigned long node0 = 1, none = 0;
	show("at start");
	printf("bind node 0 %s\n", res(set(MPOL_BIND, &node0, 64)));
	show("bind");
	printf("interleave node 0 %s\n", res(set(MPOL_INTERLEAVE, &node0, 64)));
	show("interleave");
	int node = -1;
	printf("F_NODE under interleave %s node %d\n",
	       res(syscall(SYS_get_mempolicy, &node, NULL, 0ul, 0ul, 1ul)), node);
	printf("preferred, no nodes (local) %s\n", res(set(MPOL_PREFERRED, &none, 64)));
	show("preferred empty");
	printf("preferred node 0, static %s\n",
	       res(set(MPOL_PREFERRED | MPOL_F_STATIC_NODES, &node0, 64)));
	show("preferred static");
	printf("default %s\n", res(set(MPOL_DEFAULT, NULL, 0)));
	show("default");
	printf("F_NODE under default %s\n",
	       res(syscall(SYS_get_mempolicy, &node, NULL, 0ul, 0ul, 1ul)));

	printf("bind, no nodes %s\n", res(set(MPOL_BIND, &none, 64)));
	printf("default with nodes %s\n", res(set(MPOL_DEFAULT, &node0, 64)));
	printf("local with nodes %s\n", res(set(MPOL_LOCAL, &node0, 64)));
	printf("bad mode %s\n", res(set(17, &node0, 64)));
	printf("static and relative %s\n",
	       res(set(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, &node0, 64)));
	printf("bad mask pointer %s\n", res(set(MPOL_BIND, (unsigned long *)8, 64)));
	printf("bad mode, bad mask %s\n", res(set(17, (unsigned long *)8, 64)));
	printf("maxnode 1 reads no bits: bind %s\n", res(set(MPOL_BIND, &node0, 1)));
	printf("maxnode past a page %s\n", res(set(MPOL_BIND, &node0, 40000)));
	printf("maxnode 0 with a mask %s\n", res(set(MPOL_BIND, &node0, 0)));

	unsigned long allowed[2] = {0, 0};
	int mode = -1;
	printf("MEMS_ALLOWED %s", res(syscall(SYS_get_mempolicy, &mode, allowed, 128ul, 0ul, 4ul)));
	printf(" mode %d node 0 allowed %lu\n", mode, allowed[0] & 1);
	printf("MEMS_ALLOWED with F_NODE %s\n",
	       res(syscall(SYS_get_mempolicy, &mode, NULL, 0ul, 0ul, 5ul)));
	printf("bad flags %s\n", res(syscall(SYS_get_mempolicy, &mode, NULL, 0ul, 0ul, 8ul)));
	printf("addr without F_ADDR %s\n",
	       res(syscall(SYS_get_mempolicy, &mode, NULL, 0ul, 4096ul, 0ul)));
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m[0] = 1;
	set(MPOL_BIND, &node0, 64); /* an area's policy is not the process's */
	printf("F_ADDR %s",
	       res(syscall(SYS_get_mempolicy, &mode, NULL, 0ul, (unsigned long)m, 2ul)));
	printf(" mode %d\n", mode);
	printf("F_ADDR|F_NODE %s",
	       res(syscall(SYS_get_mempolicy, &node, NULL, 0ul, (unsigned long)m, 3ul)));
	printf(" a node %d\n", node >= 0);
	printf("F_ADDR unmapped %s\n", res(syscall(SYS_get_mempolicy, &mode, NULL, 0ul, 8ul, 2ul)));
	printf("mask with maxnode 0 %s\n",
	       res(syscall(SYS_get_mempolicy, &mode, allowed, 0ul, 0ul, 0ul)));

	printf("mbind bind node 0 %s\n",
	       res(syscall(SYS_mbind, m, 8192ul, (long)MPOL_BIND, &node0, 64ul, 0ul)));
	printf("mbind unaligned %s\n",
	       res(syscall(SYS_mbind, m + 1, 8192ul, (long)MPOL_BIND, &node0, 64ul, 0ul)));
	printf("mbind length 0 %s\n",
	       res(syscall(SYS_mbind, m, 0ul, (long)MPOL_BIND, &node0, 64ul, 0ul)));
	munmap(m + 4096, 4096);
	printf("mbind over a hole %s\n",
	       res(syscall(SYS_mbind, m, 8192ul, (long)MPOL_BIND, &node0, 64ul, 0ul)));
	printf("mbind bad flags %s\n",
	       res(syscall(SYS_mbind, m, 4096ul, (long)MPOL_BIND, &node0, 64ul, 64ul)));
	printf("mbind no nodes %s\n",
	       res(syscall(SYS_mbind, m, 4096ul, (long)MPOL_BIND, &none, 64ul, 0ul)));
	return 0;
}
