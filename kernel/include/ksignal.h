/* Signals of the running process (kernel/proc/signal.c): actions, the
 * blocked and pending sets, the alternate stack, delivery and sigreturn. */
#ifndef BF_KSIGNAL_H
#define BF_KSIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "trap.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRT_FIRST 32 /* real-time signals: queued, not merged */
#define SIGNAL_MAX 64

/* si_code values: how a signal was sent. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)

/* siginfo_t as Linux lays it out: the union at offset 16 holds the sender
 * (kill, sigqueue), the timer (timer id, overrun count, value) or the
 * faulting address. */
struct ksiginfo {
	int32_t signo, errno_, code, pad;
	union {
		struct {
			int32_t pid;    /* a timer's id for SI_TIMER */
			uint32_t uid;   /* a timer's overrun count for SI_TIMER */
			uint64_t value; /* sigval of sigqueue and timers */
			uint32_t seq;   /* SI_TIMER: the timer's setting (0 for the program) */
		};
		uint64_t addr; /* faults */
	};
	uint8_t rest[88];
};

/* struct sigaction as the Linux x86-64 kernel takes it (not glibc's). */
struct ksigaction {
	uint64_t handler; /* SIG_DFL (0), SIG_IGN (1) or a function */
	uint64_t flags;   /* SA_* */
	uint64_t restorer;
	uint64_t mask;
};

/* stack_t. */
struct kstack {
	uint64_t sp;
	int32_t flags; /* SS_ONSTACK, SS_DISABLE, SS_AUTODISARM */
	int32_t pad;
	uint64_t size;
};
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* The process ends (proc_destroy): disarm its timers and free the siginfo
 * of queued real-time signals. */
void signal_release(void);

/* rt_sigaction's work: sig 1..64 (not SIGKILL or SIGSTOP when act is
 * given), else -EINVAL. old receives the previous action. */
int signal_action(int sig, const struct ksigaction *act, struct ksigaction *old);

/* The blocked set; signal_set_blocked drops SIGKILL and SIGSTOP from it. */
uint64_t signal_blocked(void);
void signal_set_blocked(uint64_t set);
/* Signals sent but not yet delivered (they are blocked): those the current
 * thread could take (its own and its process's), and those pending
 * anywhere in the process. */
uint64_t signal_pending(void);
uint64_t signal_pending_any(void);

/* sigaltstack's work, with sp the program's stack pointer: -EPERM while
 * running on the alternate stack, -EINVAL for bad flags, -ENOMEM if it is
 * smaller than MINSIGSTKSZ. */
int signal_altstack(const struct kstack *ss, struct kstack *old, uint64_t sp);

/* The process sends itself sig (1..64) with si_code `code`. It is dropped
 * if ignored and not blocked, else pending for the process until a thread
 * takes it (one that does not block it is woken). Returns 0, or
 * -EAGAIN when too many real-time signals are queued (RLIMIT_SIGPENDING,
 * except for kill's SI_USER, or no memory for one more). */
int signal_send(int sig, int code);
/* The same with a whole siginfo (sigqueue, timers): info->signo is the signal. */
int signal_send_info(const struct ksiginfo *info);

/*
 * A CPU exception in ring 3 (trap.c), with cr2 the faulting address: enter
 * the program's handler for the signal Linux sends for it (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGTRAP) with Linux's siginfo. As Linux forces these
 * signals, the process ends with the fault report instead when the signal
 * is blocked, ignored or left at SIG_DFL, or when the frame cannot be
 * written (then as killed by SIGSEGV).
 */
void signal_fault(struct trapframe *tf, uint64_t cr2);
/* The signal Linux sends for a CPU exception in user mode. */
int signal_of_trap(unsigned vector);

/*
 * On the way back to user mode from a system call (syscall: RAX holds its
 * result, and -ERESTARTSYS restarts it or becomes -EINTR) or an interrupt:
 * deliver every pending signal that is not blocked, which may rewrite tf to
 * enter a handler or end the process. Returns true if tf must be restored
 * in full (IRETQ, with RCX and R11) rather than through SYSRET.
 */
bool signal_return_to_user(struct trapframe *tf, bool syscall);

#define SIGNAL_NO_DEADLINE UINT64_MAX
/*
 * Wait in a system call until time_ns() reaches deadline
 * (SIGNAL_NO_DEADLINE: none) or a signal that is not blocked, or is in
 * `also`, is pending. Returns 0 at the deadline, -EINTR for a signal, and
 * -EDEADLK when neither can ever come (no deadline, no armed timer sends
 * such a signal, and every other thread waits the same way): the caller
 * ends the process as deadlocked. With deadline 0 it only looks for such
 * a signal. The kernel lock is dropped while it sleeps.
 */
int signal_wait(uint64_t deadline, uint64_t also);
/* True if a timer could still send the current thread a signal that does
 * something (not blocked, not ignored), or one of signal_wait_also's. */
bool signal_may_come(void);
/* A wait other than signal_wait (poll's on pipes) also ends for these
 * signals, blocked or not (a signalfd's): a timer that may send one is no
 * deadlock (a sent signal wakes such waits through pipe_poll_wake). 0:
 * none. */
void signal_wait_also(uint64_t also);
/* Signals made pending so far (a count that only grows: a signalfd's
 * wake-ups for epoll). */
uint32_t signal_posts(void);
/* Send a signal to thread t of the process (tkill, tgkill). */
struct thread;
/* Free the real-time signals still queued for t, which is gone. */
void signal_thread_release(struct thread *t);
/* The current thread is ending: it takes no more signals, and the
 * process's pending ones are left to another thread that does not block
 * them (which is woken). */
void signal_thread_exit(void);
int signal_send_thread(struct thread *t, const struct ksiginfo *info);
/* signal_wait for something only this program could do, which it cannot
 * while it waits: when no signal can ever come and there is no deadline,
 * end the program (SIGKILL) with `what` as the cause. Returns 0 at the
 * deadline, or -EINTR. */
int signal_wait_or_end(uint64_t deadline, const char *what);
/* ppoll, pselect6: block `mask` instead while waiting; then
 * signal_wait_unmask puts the old mask back, at once unless the wait was
 * interrupted (then after the handler, as Linux does). */
void signal_wait_mask(uint64_t mask);
void signal_wait_unmask(bool interrupted);
/* sigsuspend: wait with `mask` blocked until a signal is delivered. Returns
 * -EINTR (the handler runs with the old mask saved in its frame), or
 * -EDEADLK (mask unchanged) if no signal can ever come. */
int signal_suspend(uint64_t mask);
/* sigtimedwait: take a pending signal of `set`, waiting for one until
 * deadline. Returns the signal with its siginfo in info; -EAGAIN at the
 * deadline, -EINTR when another signal came, -EDEADLK as signal_wait. */
int signal_timedwait(uint64_t set, uint64_t deadline, struct ksiginfo *info);
/* rt_sigreturn: restore the registers, mask, alternate stack and vector
 * state saved in the signal frame at tf->rsp - 8. Returns the restored RAX;
 * a bad frame ends the process (SIGSEGV). */
int64_t signal_sigreturn(struct trapframe *tf);

/* "SIGABRT", "SIGRTMIN+3", ...; "signal N" outside 1..64. */
const char *signal_name(int sig);

#endif
