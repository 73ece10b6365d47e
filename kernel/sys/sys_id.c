/*
 * Credentials: real, effective, saved and filesystem user and group ids, and
 * the supplementary groups. The program starts as root with no
 * supplementary groups. A process whose effective uid is 0 has
 * CAP_SETUID and CAP_SETGID, as on Linux; others may only move among the
 * ids they have. The ids are recorded and reported: file permissions are
 * not checked against them (everything is root's).
 */
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"

#define NGROUPS_MAX 65536
#define NO_ID 0xffffffffu /* -1: "leave it", and never a valid id */

/* The running process's credentials are in struct proc (task.h): zero,
 * root's, at first. */

static bool privileged(void) { return current_proc()->uid.e == 0; }

static bool one_of(uint32_t v, const struct ids *c) { return v == c->r || v == c->e || v == c->s; }

/* setuid/setgid: with the capability every id; else only the effective
 * (and fs) one, to the real or saved id. */
static int64_t set_one(struct ids *c, uint32_t v)
{
	if (v == NO_ID)
		return -EINVAL;
	if (privileged()) {
		*c = (struct ids){v, v, v, v};
		return 0;
	}
	if (v != c->r && v != c->s)
		return -EPERM;
	c->e = c->fs = v;
	return 0;
}

/* setreuid/setregid: the saved id follows the effective one when the real
 * id is set, or the effective one changes to something other than the real. */
static int64_t set_re(struct ids *c, uint32_t r, uint32_t e)
{
	struct ids n = *c;
	if (r != NO_ID) {
		if (!privileged() && r != c->r && r != c->e)
			return -EPERM;
		n.r = r;
	}
	if (e != NO_ID) {
		if (!privileged() && !one_of(e, c))
			return -EPERM;
		n.e = e;
	}
	if (r != NO_ID || (e != NO_ID && e != c->r))
		n.s = n.e;
	n.fs = n.e;
	*c = n;
	return 0;
}

static int64_t set_res(struct ids *c, uint32_t r, uint32_t e, uint32_t s)
{
	if (!privileged() &&
	    ((r != NO_ID && !one_of(r, c)) || (e != NO_ID && !one_of(e, c)) ||
	     (s != NO_ID && !one_of(s, c))))
		return -EPERM;
	if (r != NO_ID)
		c->r = r;
	if (e != NO_ID)
		c->e = e;
	if (s != NO_ID)
		c->s = s;
	c->fs = c->e;
	return 0;
}

static int64_t get_res(const struct ids *c, uint64_t ur, uint64_t ue, uint64_t us)
{
	if (copy_to_user(ur, &c->r, 4) || copy_to_user(ue, &c->e, 4) || copy_to_user(us, &c->s, 4))
		return -EFAULT;
	return 0;
}

/* Returns the old fs id whatever happens; changes it only when allowed. */
static int64_t set_fs(struct ids *c, uint32_t v)
{
	uint32_t old = c->fs;
	if (v != NO_ID && (privileged() || one_of(v, c) || v == c->fs))
		c->fs = v;
	return old;
}

SYSCALL_DEFINE0(getuid)
{
	return current_proc()->uid.r;
}

SYSCALL_DEFINE0(geteuid)
{
	return current_proc()->uid.e;
}

SYSCALL_DEFINE0(getgid)
{
	return current_proc()->gid.r;
}

SYSCALL_DEFINE0(getegid)
{
	return current_proc()->gid.e;
}

SYSCALL_DEFINE1(setuid, uint32_t, v)
{
	return set_one(&current_proc()->uid, v);
}

SYSCALL_DEFINE1(setgid, uint32_t, v)
{
	return set_one(&current_proc()->gid, v);
}

SYSCALL_DEFINE2(setreuid, uint32_t, r, uint32_t, e)
{
	return set_re(&current_proc()->uid, r, e);
}

SYSCALL_DEFINE2(setregid, uint32_t, r, uint32_t, e)
{
	return set_re(&current_proc()->gid, r, e);
}

SYSCALL_DEFINE3(setresuid, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return set_res(&current_proc()->uid, r, e, s);
}

SYSCALL_DEFINE3(setresgid, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return set_res(&current_proc()->gid, r, e, s);
}

SYSCALL_DEFINE3(getresuid, uint64_t, r, uint64_t, e, uint64_t, s)
{
	return get_res(&current_proc()->uid, r, e, s);
}

SYSCALL_DEFINE3(getresgid, uint64_t, r, uint64_t, e, uint64_t, s)
{
	return get_res(&current_proc()->gid, r, e, s);
}

SYSCALL_DEFINE1(setfsuid, uint32_t, v)
{
	return set_fs(&current_proc()->uid, v);
}

SYSCALL_DEFINE1(setfsgid, uint32_t, v)
{
	return set_fs(&current_proc()->gid, v);
}

SYSCALL_DEFINE2(getgroups, int, size, uint64_t, list)
{
	const struct proc *p = current_proc();

	if (size < 0)
		return -EINVAL;
	if (size) {
		if (p->ngroups > (uint32_t)size)
			return -EINVAL;
		if (copy_to_user(list, p->groups, p->ngroups * sizeof *p->groups))
			return -EFAULT;
	}
	return p->ngroups;
}

/* Linux keeps the list sorted (getgroups shows it so): a shell sort. */
static void sort_ids(uint32_t *g, uint32_t n)
{
	for (uint32_t gap = n / 2; gap; gap /= 2)
		for (uint32_t i = gap; i < n; i++)
			for (uint32_t j = i; j >= gap && g[j - gap] > g[j]; j -= gap) {
				uint32_t t = g[j];
				g[j] = g[j - gap], g[j - gap] = t;
			}
}

SYSCALL_DEFINE2(setgroups, int, size, uint64_t, list)

{
	if (!privileged())
		return -EPERM;
	if ((uint32_t)size > NGROUPS_MAX)
		return -EINVAL;
	uint32_t n = (uint32_t)size, *g = n ? kmalloc(n * sizeof *g) : NULL;
	if (n && !g)
		return -ENOMEM;
	if (copy_from_user(g, list, n * sizeof *g)) {
		kfree(g);
		return -EFAULT;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (g[i] == NO_ID) {
			kfree(g);
			return -EINVAL;
		}
	}
	sort_ids(g, n);
	struct proc *p = current_proc();
	kfree(p->groups);
	p->groups = g, p->ngroups = n;
	return 0;
}
