/*
 * NUMA memory policy on a machine of one node: set_mempolicy,
 * get_mempolicy and mbind (libnuma, hwloc and NUMA-aware runtimes ask
 * them). Every policy is checked as Linux checks it and kept, and node 0
 * is the only node there is, so memory comes from it whatever the policy;
 * mbind's ranges are checked and change nothing. Node masks are read and
 * written as Linux does, with its off-by-one: maxnode counts one bit more
 * than it reads.
 */
#include "kerrno.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_PREFERRED_MANY 5
#define MPOL_MAX 6 /* Linux 6.1's; 6.9 adds MPOL_WEIGHTED_INTERLEAVE */
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4

#define MPOL_MF_STRICT 1
#define MPOL_MF_MOVE 2
#define MPOL_MF_MOVE_ALL 4

#define MAX_NUMNODES 1024 /* Debian's CONFIG_NODES_SHIFT of 10 */
#define PAGE_BITS (4096 * 8)

/* A node mask from the program: whether node 0 is in it (*node0) and
 * whether any node is (*any). EINVAL past a page of bits, EFAULT. */
static int nodes_from_user(uint64_t umask, uint64_t maxnode, bool *node0, bool *any)
{
	*node0 = *any = false;
	if (!umask)
		return 0;
	if (maxnode == 0)
		return -EINVAL; /* Linux's --maxnode wraps past its limit */
	if (--maxnode == 0)
		return 0;
	if (maxnode > PAGE_BITS)
		return -EINVAL;
	for (uint64_t word = 0; word * 64 < maxnode; word++) {
		uint64_t v;
		if (copy_from_user(&v, umask + word * 8, sizeof v))
			return -EFAULT;
		uint64_t bits = maxnode - word * 64;
		if (bits < 64)
			v &= (1ull << bits) - 1;
		if (v && word * 64 >= MAX_NUMNODES)
			return -EINVAL; /* a node no kernel could have */
		*any |= v != 0;
		if (word == 0)
			*node0 = v & 1;
	}
	return 0;
}

/* The mode and its flags, as Linux's sanitize_mpol_flags checks them
 * (before the node mask is read): 0, or -EINVAL. */
static int sanitize(int mode)
{
	int flags = mode & MPOL_MODE_FLAGS;
	mode &= ~MPOL_MODE_FLAGS;
	if (mode < 0 || mode >= MPOL_MAX)
		return -EINVAL;
	if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((flags & MPOL_F_NUMA_BALANCING) && mode != MPOL_BIND)
		return -EINVAL;
	return 0;
}

/* The mode with its nodes, as Linux's mpol_new checks them: 0, or -EINVAL;
 * the policy kept in *policy. */
static int check_policy(int mode, bool node0, bool any, int *policy)
{
	int flags = mode & MPOL_MODE_FLAGS;
	mode &= ~MPOL_MODE_FLAGS;
	switch (mode) {
	case MPOL_DEFAULT:
		if (any)
			return -EINVAL;
		break;
	case MPOL_PREFERRED:
		if (!any && flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
			return -EINVAL;
		if (!any)
			mode = MPOL_LOCAL; /* as Linux makes it */
		else if (!node0 && !(flags & MPOL_F_RELATIVE_NODES))
			return -EINVAL; /* no node of the mask is there */
		break;
	case MPOL_LOCAL:
		if (any || flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
			return -EINVAL;
		break;
	default: /* BIND, INTERLEAVE, PREFERRED_MANY: some node of ours */
		if (!any || (!node0 && !(flags & MPOL_F_RELATIVE_NODES)))
			return -EINVAL;
	}
	*policy = mode | flags;
	return 0;
}

SYSCALL_DEFINE3(set_mempolicy, int, mode, uint64_t, umask, uint64_t, maxnode)
{
	bool node0, any;
	int policy, err = sanitize(mode);
	if (!err)
		err = nodes_from_user(umask, maxnode, &node0, &any);
	if (!err)
		err = check_policy(mode, node0, any, &policy);
	if (err)
		return err;
	struct proc *p = current_proc();
	p->mempolicy = policy;
	p->mempolicy_node0 = (policy & ~MPOL_MODE_FLAGS) != MPOL_DEFAULT &&
			     (policy & ~MPOL_MODE_FLAGS) != MPOL_LOCAL;
	return 0;
}

/* Copy a mask of node 0 (or none) out into maxnode - 1 bits, zeroing the
 * rest of the words asked for, as Linux's copy_nodes_to_user. */
static int nodes_to_user(uint64_t umask, uint64_t maxnode, bool node0)
{
	uint64_t bytes = ((maxnode - 1) + 63) / 64 * 8;
	if (bytes > 4096)
		return -EINVAL;
	for (uint64_t off = 0; off < bytes; off += 8) {
		uint64_t v = off == 0 && node0 ? 1 : 0;
		if (copy_to_user(umask + off, &v, sizeof v))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE5(get_mempolicy, uint64_t, upolicy, uint64_t, umask, uint64_t, maxnode, uint64_t,
		addr, uint64_t, flags)
{
	struct proc *p = current_proc();
	int policy;
	bool node0;
	if (umask && maxnode < 1)
		return -EINVAL; /* fewer bits than nodes */
	if (flags & ~(uint64_t)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		policy = 0;
		node0 = true;
	} else {
		if (flags & MPOL_F_ADDR) {
			if (!vma_covers(addr & ~4095ull, (addr & ~4095ull) + 4096))
				return -EFAULT;
		} else if (addr) {
			return -EINVAL;
		}
		/* an area's policy is its own (mbind keeps none: the default),
		 * never the process's, as Linux's */
		policy = flags & MPOL_F_ADDR ? MPOL_DEFAULT : p->mempolicy;
		node0 = flags & MPOL_F_ADDR ? false : p->mempolicy_node0;
		if (flags & MPOL_F_NODE) {
			if (flags & MPOL_F_ADDR)
				policy = 0; /* the node holding addr */
			else if ((policy & ~MPOL_MODE_FLAGS) == MPOL_INTERLEAVE)
				policy = 0; /* the next node to interleave on */
			else
				return -EINVAL;
		}
	}
	if (upolicy && copy_to_user(upolicy, &policy, sizeof policy))
		return -EFAULT;
	return umask ? nodes_to_user(umask, maxnode, node0) : 0;
}

SYSCALL_DEFINE6(mbind, uint64_t, start, uint64_t, len, uint64_t, mode, uint64_t, umask, uint64_t,
		maxnode, unsigned int, flags)
{
	bool node0, any;
	int policy, err = sanitize((int)mode);
	if (!err)
		err = nodes_from_user(umask, maxnode, &node0, &any);
	if (err)
		return err;
	if (flags & ~(unsigned)(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		return -EINVAL;
	if (start & 4095)
		return -EINVAL;
	uint64_t end = start + ((len + 4095) & ~4095ull);
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (!err)
		err = check_policy((int)mode, node0, any, &policy);
	if (err)
		return err;
	return vma_covers(start, end) ? 0 : -EFAULT;
}
