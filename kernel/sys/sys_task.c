/* Process attributes: the name (prctl), process group and session. The one
 * process is pid 1, leads its own group and session, and has no parent. */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "proc.h"
#include "syscall.h"

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_SET_VMA 0x53564d41

static char comm[16]; /* "" until set: then the program file's name */
static int dumpable = 1, no_new_privs, pdeathsig;

/* The default name: the last component of the program's path, cut to 15. */
static void default_comm(void)
{
	const char *exe = fs_exe(), *base = exe;
	for (const char *p = exe; *p; p++)
		if (*p == '/')
			base = p + 1;
	size_t n = strnlen(base, sizeof comm - 1);
	memcpy(comm, base, n);
	comm[n] = 0;
}

int64_t sys_prctl(uint64_t op, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5, uint64_t a5)
{
	switch (op) {
	case PR_SET_NAME: {
		char name[sizeof comm];
		for (size_t i = 0; i < sizeof name - 1; i++) {
			if (copy_from_user(&name[i], arg2 + i, 1))
				return -EFAULT;
			if (!name[i])
				break;
		}
		name[sizeof name - 1] = 0;
		memcpy(comm, name, sizeof comm);
		return 0;
	}
	case PR_GET_NAME:
		if (!comm[0])
			default_comm();
		return copy_to_user(arg2, comm, sizeof comm);
	case PR_SET_PDEATHSIG:
		if (arg2 > 64)
			return -EINVAL;
		pdeathsig = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return copy_to_user(arg2, &pdeathsig, sizeof pdeathsig);
	case PR_GET_DUMPABLE:
		return dumpable;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		dumpable = (int)arg2;
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || arg3 || arg4 || arg5)
			return -EINVAL;
		no_new_privs = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return arg2 || arg3 || arg4 || arg5 ? -EINVAL : no_new_privs;
	case PR_SET_VMA:
		return 0; /* names for memory areas: only shown in /proc, which we lack */
	default:
		return -EINVAL;
	}
}

/* Forget the name and settings between programs. */
void task_reset(void)
{
	comm[0] = 0;
	dumpable = 1, no_new_privs = 0, pdeathsig = 0;
}

static int64_t self_or(uint64_t pid, int64_t err)
{
	return pid == 0 || pid == 1 ? 1 : err;
}

int64_t sys_getpgrp(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	return 1;
}

int64_t sys_getpgid(uint64_t pid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	return self_or(pid, -ESRCH);
}

int64_t sys_getsid(uint64_t pid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	return self_or(pid, -ESRCH);
}

/* Already the leader of its group: moving into it again is allowed. */
int64_t sys_setpgid(uint64_t pid, uint64_t pgid, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	if ((int64_t)pgid < 0)
		return -EINVAL;
	if (pid != 0 && pid != 1)
		return -ESRCH;
	return pgid == 0 || pgid == 1 ? 0 : -EPERM;
}

/* A session leader cannot start another session. */
int64_t sys_setsid(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	return -EPERM;
}
