/* Process system calls: exit_group (exit, of one thread, is thread.c's),
 * and waiting for children, of which there are none: the program is the
 * only process, and its threads are not children (fork is refused). */
#include "kerrno.h"
#include "proc.h"
#include "syscall.h"

SYSCALL_DEFINE1(exit_group, int, status)
{
	proc_exit(status & 0xff);
}

/* Linux's option bits of wait4 and waitid (<linux/wait.h>). */
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002 /* waitid's WSTOPPED */
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define WNOTHREAD 0x20000000 /* __WNOTHREAD */
#define WALL 0x40000000	     /* __WALL */
#define WCLONE 0x80000000    /* __WCLONE */

/* waitid's idtypes. */
enum { P_ALL, P_PID, P_PGID, P_PIDFD };

SYSCALL_DEFINE4(wait4, int, pid, uint64_t, status, uint32_t, options, uint64_t, rusage)
{
	(void)status, (void)rusage; /* written only for a child that changed state */
	if (options & ~(uint32_t)(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
		return -EINVAL;
	if (pid == -0x7fffffff - 1) /* its group, -INT_MIN, cannot be named */
		return -ESRCH;
	return -ECHILD;
}

/* The arguments' checks, in Linux's order; ECHILD where they pass. */
static int64_t waitid_result(int which, int id, uint32_t options)
{
	const uint32_t known =
	    WNOHANG | WNOWAIT | WEXITED | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE;
	if ((options & ~known) || !(options & (WEXITED | WUNTRACED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL:
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		break;
	case P_PGID:
	case P_PIDFD:
		if (id < 0)
			return -EINVAL;
		if (which == P_PIDFD)
			return -EBADF; /* no descriptor is a pidfd */
		break;
	default:
		return -EINVAL;
	}
	return -ECHILD;
}

SYSCALL_DEFINE5(waitid, int, which, int, id, uint64_t, infop, uint32_t, options, uint64_t, rusage)
{
	(void)rusage;
	int64_t r = waitid_result(which, id, options);
	if (!infop)
		return r;
	/* As Linux: the siginfo's signo, errno and code (at 0) and pid, uid
	 * and status (at 16) are cleared whatever the result, and EFAULT wins
	 * if they cannot be. */
	static const int32_t none[3];
	if (copy_to_user(infop, none, sizeof none) || copy_to_user(infop + 16, none, sizeof none))
		return -EFAULT;
	return r;
}
