/* Signal system calls: actions, mask, alternate stack, sending a signal to
 * ourselves, and the return from a handler (kernel/proc/signal.c). */
#include "kerrno.h"
#include "ksignal.h"
#include "printf.h"
#include "proc.h"
#include "syscall.h"
#include "timer.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_SIZE 8 /* the kernel's sigset_t: 64 signals */
#define OUR_PID 1

int64_t sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oact, uint64_t setsize, uint64_t a4,
			 uint64_t a5)
{
	struct ksigaction new, old;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof new))
		return -EFAULT;
	int err = signal_action((int)sig, act ? &new : NULL, oact ? &old : NULL);
	if (!err && oact && copy_to_user(oact, &old, sizeof old))
		return -EFAULT;
	return err;
}

int64_t sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oset, uint64_t setsize, uint64_t a4,
			   uint64_t a5)
{
	uint64_t old = signal_blocked(), new;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (set) {
		if (copy_from_user(&new, set, sizeof new))
			return -EFAULT;
		switch ((int)how) {
		case SIG_BLOCK: signal_set_blocked(old | new); break;
		case SIG_UNBLOCK: signal_set_blocked(old & ~new); break;
		case SIG_SETMASK: signal_set_blocked(new); break;
		default: return -EINVAL;
		}
	}
	/* Like Linux, a bad oset fails the call after the mask has changed. */
	if (oset && copy_to_user(oset, &old, sizeof old))
		return -EFAULT;
	return 0;
}

/* Pending signals that are blocked (an unblocked one is already delivered). */
int64_t sys_rt_sigpending(uint64_t set, uint64_t setsize, uint64_t a2, uint64_t a3, uint64_t a4,
			  uint64_t a5)
{
	uint64_t pending = signal_pending() & signal_blocked();

	if (setsize > SIGSET_SIZE)
		return -EINVAL;
	return copy_to_user(set, &pending, setsize);
}

int64_t sys_sigaltstack(uint64_t uss, uint64_t uoss, uint64_t a2, uint64_t a3, uint64_t a4,
			uint64_t a5)
{
	struct kstack ss, old;

	if (uss && copy_from_user(&ss, uss, sizeof ss))
		return -EFAULT;
	int err = signal_altstack(uss ? &ss : NULL, uoss ? &old : NULL, syscall_frame()->rsp);
	if (!err && uoss && copy_to_user(uoss, &old, sizeof old))
		return -EFAULT;
	return err;
}

/* The only process is us (pid 1), alone in our process group (getpgrp).
 * pid 0 and -pgid are our group; -1 means every process but the caller and
 * init, which leaves nobody (-ESRCH) for a valid signal, while a bad one is
 * EINVAL, as Linux answers where other processes exist. */
int64_t sys_kill(uint64_t upid, uint64_t usig, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	int pid = (int)upid, sig = (int)usig;
	bool bad = sig < 0 || sig > SIGNAL_MAX;

	if (pid == -1)
		return bad ? -EINVAL : -ESRCH;
	if (pid != 0 && pid != OUR_PID && pid != -task_pgid())
		return -ESRCH;
	if (bad)
		return -EINVAL;
	return signal_send(sig, SI_USER);
}

static int64_t tkill(int tgid, int tid, int sig)
{
	if (tid <= 0)
		return -EINVAL;
	if (tid != OUR_PID || (tgid > 0 && tgid != OUR_PID))
		return -ESRCH;
	if (sig < 0 || sig > SIGNAL_MAX)
		return -EINVAL;
	return signal_send(sig, SI_TKILL);
}

int64_t sys_tkill(uint64_t tid, uint64_t sig, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	return tkill(0, (int)tid, (int)sig);
}

int64_t sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t a3, uint64_t a4, uint64_t a5)
{
	if ((int)tgid <= 0)
		return -EINVAL;
	return tkill((int)tgid, (int)tid, (int)sig);
}

int64_t sys_rt_sigreturn(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			 uint64_t a5)
{
	return signal_sigreturn(syscall_frame());
}

/* A wait that no signal can ever end (none is coming, no timer is armed):
 * Linux would hang forever; the process ends as if killed (137). */
__attribute__((noreturn)) static void forever(const char *call)
{
	char cause[96];

	ksnprintf(cause, sizeof cause, "it would wait forever: %s with no signal that could come",
		  call);
	proc_killed(syscall_frame(), SIGKILL, cause, "", true);
}

int64_t sys_pause(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	int err = signal_wait(SIGNAL_NO_DEADLINE, 0);

	if (err == -EDEADLK)
		forever("pause");
	return -EINTR;
}

int64_t sys_rt_sigsuspend(uint64_t umask, uint64_t setsize, uint64_t a2, uint64_t a3, uint64_t a4,
			  uint64_t a5)
{
	uint64_t mask;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof mask))
		return -EFAULT;
	if (signal_suspend(mask) == -EDEADLK)
		forever("sigsuspend");
	return -EINTR;
}

int64_t sys_rt_sigtimedwait(uint64_t uset, uint64_t uinfo, uint64_t uts, uint64_t setsize,
			    uint64_t a4, uint64_t a5)
{
	uint64_t set, ns, deadline = SIGNAL_NO_DEADLINE;
	struct ksiginfo info;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof set))
		return -EFAULT;
	if (uts) {
		int err = timespec_from_user(uts, 1, &ns);
		if (err)
			return err;
		deadline = deadline_after(ns);
	}
	int s = signal_timedwait(set, deadline, &info);
	if (s == -EDEADLK)
		forever("sigtimedwait");
	if (s > 0 && uinfo && copy_to_user(uinfo, &info, sizeof info))
		return -EFAULT;
	return s;
}

/* sigqueue: the program's own siginfo (si_code SI_QUEUE, si_value), which
 * it may fill as it likes since the target is itself. */
static int64_t queue_info(int sig, struct ksiginfo *info)
{
	info->signo = sig;
	if (sig < 0 || sig > SIGNAL_MAX)
		return -EINVAL;
	return signal_send_info(info);
}

int64_t sys_rt_sigqueueinfo(uint64_t pid, uint64_t sig, uint64_t uinfo, uint64_t a3, uint64_t a4,
			    uint64_t a5)
{
	struct ksiginfo info;

	if (copy_from_user(&info, uinfo, sizeof info))
		return -EFAULT;
	if ((int)pid != OUR_PID)
		return -ESRCH;
	return queue_info((int)sig, &info);
}

int64_t sys_rt_tgsigqueueinfo(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t uinfo,
			      uint64_t a4, uint64_t a5)
{
	struct ksiginfo info;

	if (copy_from_user(&info, uinfo, sizeof info))
		return -EFAULT;
	if ((int)tgid <= 0 || (int)tid <= 0)
		return -EINVAL;
	if ((int)tgid != OUR_PID || (int)tid != OUR_PID)
		return -ESRCH;
	return queue_info((int)sig, &info);
}
