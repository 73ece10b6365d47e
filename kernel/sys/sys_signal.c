/* Signal system calls: actions, mask, alternate stack, sending a signal to
 * ourselves, and the return from a handler (kernel/proc/signal.c). */
#include "kerrno.h"
#include "ksignal.h"
#include "printf.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_SIZE 8 /* the kernel's sigset_t: 64 signals */
#define OUR_PID (current_proc()->pid)

SYSCALL_DEFINE4(rt_sigaction, int, sig, uint64_t, act, uint64_t, oact, size_t, setsize)
{
	struct ksigaction new, old;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof new))
		return -EFAULT;
	int err = signal_action(sig, act ? &new : NULL, oact ? &old : NULL);
	if (!err && oact && copy_to_user(oact, &old, sizeof old))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, uint64_t, set, uint64_t, oset, size_t, setsize)
{
	uint64_t old = signal_blocked(), new;

	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (set) {
		if (copy_from_user(&new, set, sizeof new))
			return -EFAULT;
		switch (how) {
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
SYSCALL_DEFINE2(rt_sigpending, uint64_t, set, size_t, setsize)
{
	uint64_t pending = signal_pending() & signal_blocked();

	if (setsize > SIGSET_SIZE)
		return -EINVAL;
	return copy_to_user(set, &pending, setsize);
}

SYSCALL_DEFINE2(sigaltstack, uint64_t, uss, uint64_t, uoss)
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
SYSCALL_DEFINE2(kill, int, upid, int, usig)
{
	int pid = upid, sig = usig;
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
	struct thread *t = tid > 0 ? thread_find(tid) : NULL;
	struct ksiginfo info = {.signo = sig, .code = SI_TKILL, .pid = OUR_PID, .uid = 0};

	if (tid <= 0)
		return -EINVAL;
	if (!t || (tgid > 0 && tgid != OUR_PID))
		return -ESRCH;
	if (sig < 0 || sig > SIGNAL_MAX)
		return -EINVAL;
	return signal_send_thread(t, &info);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	return tkill(0, tid, sig);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return tkill(tgid, tid, sig);
}

SYSCALL_DEFINE0(rt_sigreturn)
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

SYSCALL_DEFINE0(pause)
{
	int err = signal_wait(SIGNAL_NO_DEADLINE, 0);

	if (err == -EDEADLK)
		forever("pause");
	return -EINTR;
}

SYSCALL_DEFINE2(rt_sigsuspend, uint64_t, umask, size_t, setsize)
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

SYSCALL_DEFINE4(rt_sigtimedwait, uint64_t, uset, uint64_t, uinfo, uint64_t, uts, size_t, setsize)
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
/* To the process (t NULL) or to thread t. */
static int64_t queue_info(int sig, struct ksiginfo *info, struct thread *t)
{
	info->signo = sig;
	if (sig < 0 || sig > SIGNAL_MAX)
		return -EINVAL;
	return t ? signal_send_thread(t, info) : signal_send_info(info);
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, uint64_t, uinfo)
{
	struct ksiginfo info;

	if (copy_from_user(&info, uinfo, sizeof info))
		return -EFAULT;
	if (pid != OUR_PID)
		return -ESRCH;
	return queue_info(sig, &info, NULL);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig, uint64_t, uinfo)
{
	struct ksiginfo info;

	if (copy_from_user(&info, uinfo, sizeof info))
		return -EFAULT;
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	struct thread *t = thread_find(tid);
	if (tgid != OUR_PID || !t)
		return -ESRCH;
	return queue_info(sig, &info, t);
}
