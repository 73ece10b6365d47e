/* Process attributes: the name (prctl), process group and session. The one
 * process is pid 1 and has no parent. It starts as a program started by a
 * shell without job control does: in the shell's process group and session
 * (STARTER), leading neither. So killpg(getpgrp()) reaches it (were its
 * group 1, that would be kill(-1): everyone but init and the caller), and
 * setpgid and setsid behave as for such a program. */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_SET_VMA 0x53564d41

#define OUR_PID (current_proc()->pid)
#define STARTER 2 /* the group and session it starts in; no such process */

void task_init(struct proc *p)
{
	p->pgid = p->sid = STARTER;
	p->dumpable = 1;
}

/* The default name: the last component of the program's path, cut to 15. */
static void default_comm(char *comm, size_t size)
{
	const char *exe = fs_exe(), *base = exe;
	for (const char *p = exe; *p; p++)
		if (*p == '/')
			base = p + 1;
	size_t n = strnlen(base, size - 1);
	memcpy(comm, base, n);
	comm[n] = 0;
}

const char *task_comm(struct thread *t)
{
	if (!t->comm[0] && !t->comm_set)
		default_comm(t->comm, sizeof t->comm);
	return t->comm;
}

SYSCALL_DEFINE5(prctl, int, op, uint64_t, arg2, uint64_t, arg3, uint64_t, arg4, uint64_t, arg5)
{
	struct proc *p = current_proc();

	switch (op) {
	case PR_SET_NAME: {
		struct thread *t = current_thread(); /* names are per thread */
		char name[sizeof t->comm];
		for (size_t i = 0; i < sizeof name - 1; i++) {
			if (copy_from_user(&name[i], arg2 + i, 1))
				return -EFAULT;
			if (!name[i])
				break;
		}
		name[sizeof name - 1] = 0;
		memcpy(t->comm, name, sizeof t->comm);
		t->comm_set = true;
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user(arg2, task_comm(current_thread()),
				    sizeof current_thread()->comm);
	case PR_SET_PDEATHSIG:
		if (arg2 > 64)
			return -EINVAL;
		p->pdeathsig = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return copy_to_user(arg2, &p->pdeathsig, sizeof p->pdeathsig);
	case PR_GET_DUMPABLE:
		return p->dumpable;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		p->dumpable = (int)arg2;
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || arg3 || arg4 || arg5)
			return -EINVAL;
		p->no_new_privs = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return arg2 || arg3 || arg4 || arg5 ? -EINVAL : p->no_new_privs;
	case PR_SET_VMA:
		return 0; /* names for memory areas: only shown in /proc, which we lack */
	default:
		return -EINVAL;
	}
}

int task_pgid(void) { return current_proc()->pgid; }

SYSCALL_DEFINE0(getpgrp)
{
	return current_proc()->pgid;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	return pid == 0 || pid == OUR_PID ? current_proc()->pgid : -ESRCH;
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	return pid == 0 || pid == OUR_PID ? current_proc()->sid : -ESRCH;
}

/* Linux's checks in its order. The groups that exist in our session are
 * ours and the starter's; joining another is EPERM, and a session leader
 * cannot move. */
SYSCALL_DEFINE2(setpgid, int, upid, int, upgid)
{
	struct proc *p = current_proc();
	int pid = upid ? upid : OUR_PID, to = upgid ? upgid : pid;

	if (to < 0)
		return -EINVAL;
	if (pid != OUR_PID)
		return -ESRCH;
	if (p->sid == OUR_PID)
		return -EPERM;
	if (to != OUR_PID && to != p->pgid && !(to == STARTER && p->sid == STARTER))
		return -EPERM;
	p->pgid = to;
	return 0;
}

/* Fails while a process group with our pid exists (we lead it). */
SYSCALL_DEFINE0(setsid)
{
	struct proc *p = current_proc();

	if (p->pgid == OUR_PID)
		return -EPERM;
	p->pgid = p->sid = OUR_PID;
	return p->sid;
}
