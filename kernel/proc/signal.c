/*
 * Signals of the running process: actions, the blocked and pending sets, the
 * alternate stack, and delivery through a Linux rt_sigframe.
 *
 * No other process: a signal comes from the program itself (kill, tkill,
 * tgkill, sigqueue), from its timers, or from a CPU exception in its code.
 * As on Linux, each thread has its own mask and pending set (tkill,
 * tgkill), and the process has a shared pending set (kill, sigqueue,
 * timers) that any thread not blocking a signal may take; one such thread
 * is woken to take it (taker). A thread takes its own signals first.
 * Pending signals are delivered when a thread returns to user mode, from a
 * system call or an interrupt; a CPU exception enters its handler at once,
 * as Linux forces these signals.
 */
#include "ksignal.h"

#include "console.h"
#include "cpu.h"
#include "fs.h"
#include "heap.h"
#include "itimer.h"
#include "kerrno.h"
#include "kstring.h"
#include "printf.h"
#include "segments.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"
#include "vm.h"
#include "x86.h"

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x1ul
#define SA_NOCLDWAIT 0x2ul
#define SA_SIGINFO 0x4ul
#define SA_EXPOSE_TAGBITS 0x800ul
#define SA_RESTORER 0x04000000ul
#define SA_ONSTACK 0x08000000ul
#define SA_RESTART 0x10000000ul
#define SA_NODEFER 0x40000000ul
#define SA_RESETHAND 0x80000000ul
/* Linux clears flag bits it does not know (so programs can probe for them). */
#define SA_KNOWN (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_EXPOSE_TAGBITS | SA_RESTORER | \
		  SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND)

#define BIT(sig) (1ull << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
#define STOPS (BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU))
/* Delivered before the others, as Linux does. */
#define SYNCHRONOUS \
	(BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGTRAP) | BIT(SIGFPE) | BIT(SIGSYS))
#define IGNORED_BY_DEFAULT (BIT(SIGCHLD) | BIT(SIGCONT) | BIT(SIGURG) | BIT(SIGWINCH))
#define CORE_BY_DEFAULT (BIT(SIGQUIT) | BIT(SIGILL) | BIT(SIGTRAP) | BIT(SIGABRT) | BIT(SIGBUS) | \
			 BIT(SIGFPE) | BIT(SIGSEGV) | BIT(SIGXCPU) | BIT(SIGXFSZ) | BIT(SIGSYS))

/* Selectors of ring 3 (gdt.c): 64-bit code and data, RPL 3. */

/* RFLAGS bits a handler's sigreturn may change (Linux's FIX_EFLAGS, minus
 * RF): AC, OF, DF, TF, SF, ZF, AF, PF, CF. IF and IOPL stay the kernel's. */
#define FLAGS_USER 0x40dd5ul
#define FLAGS_DF 0x400ul
#define FLAGS_TF 0x100ul

/* uc_flags */
#define UC_FP_XSTATE 0x1ul
#define UC_SIGCONTEXT_SS 0x2ul
#define UC_STRICT_RESTORE_SS 0x4ul

/* In the software-reserved bytes of the FXSAVE area, and after the XSAVE
 * area, Linux marks a complete extended state. */
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define FP_SW_BYTES_OFFSET 464

/* The Linux x86-64 user structures of a signal frame. */
struct sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
	uint64_t rip, rflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the saved vector state, or 0 */
	uint64_t reserved[8];
};

struct ucontext {
	uint64_t flags, link;
	struct kstack stack;
	struct sigcontext mc;
	uint64_t sigmask;
};

/* What the handler's RSP points at: its return address first. */
struct rt_sigframe {
	uint64_t pretcode; /* sa_restorer, which calls rt_sigreturn */
	struct ucontext uc;
	struct ksiginfo info;
};

struct fpx_sw_bytes {
	uint32_t magic1, extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size, padding[7];
};

_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo_t");
_Static_assert(sizeof(struct sigcontext) == 256, "struct sigcontext");
_Static_assert(sizeof(struct ucontext) == 304, "struct ucontext");
_Static_assert(sizeof(struct rt_sigframe) == 440, "struct rt_sigframe");
_Static_assert(sizeof(struct fpx_sw_bytes) == 48, "struct _fpx_sw_bytes");
_Static_assert(sizeof(struct kstack) == 24, "stack_t");

/* An instance of a real-time signal, with its own siginfo, in its
 * signal's list (oldest first). */
struct sigqueued {
	struct ksiginfo info;
	struct sigqueued *next;
};

/* The running thread's signal state, and its process's actions. */
static struct thread_signals *ts(void) { return &current_thread()->sig; }
static struct ksigaction *actions(void) { return current_proc()->sigact; }
static struct sigpending *shared(void) { return &current_proc()->sigshared; }
/* What the running thread may take: its own signals and its process's. */
static uint64_t pending_here(void) { return ts()->own.set | shared()->set; }

const char *signal_name(int s)
{
	static const char *const names[32] = {
		NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
		"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
		"SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
		"SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
		"SIGIO", "SIGPWR", "SIGSYS",
	};
	static char buf[24]; /* one CPU; the name is used before the next call */

	if (s >= 1 && s < 32)
		return names[s];
	if (s == SIGNAL_MAX)
		ksnprintf(buf, sizeof buf, "SIGRTMAX");
	else if (s >= 34 && s < SIGNAL_MAX) /* glibc keeps 32 and 33 for itself */
		ksnprintf(buf, sizeof buf, "SIGRTMIN+%d", s - 34);
	else
		ksnprintf(buf, sizeof buf, s >= SIGRT_FIRST && s < 34 ? "SIG%d" : "signal %d", s);
	return buf;
}

/* si_code values of faults (Linux's uapi/asm-generic/siginfo.h). */
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define FPE_FLTDIV 3
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define TRAP_TRACE 2

int signal_of_trap(unsigned vector)
{
	switch (vector) {
	case T_DE: return SIGFPE;
	case T_UD: return SIGILL;
	case T_BP: case T_DB: return SIGTRAP;
	case 11: case 12: return SIGBUS; /* segment not present, stack segment */
	case 16: case 19: return SIGFPE; /* x87 and SIMD floating point */
	case 17: return SIGBUS;          /* alignment check */
	default: return SIGSEGV;
	}
}

/* The si_code of an x87 (#MF) or SIMD (#XM) exception, from the flags
 * that are raised and unmasked, checked in Linux's order. */
static int fp_code(unsigned vector)
{
	uint16_t cwd, swd;
	uint32_t mxcsr, err;
	uint8_t *fpu_area = current_thread()->fpu;

	fpu_save(fpu_area); /* the program's state: the kernel uses no FPU */
	memcpy(&cwd, fpu_area, 2);
	memcpy(&swd, fpu_area + 2, 2);
	memcpy(&mxcsr, fpu_area + 24, 4);
	err = vector == 16 ? (uint32_t)(swd & ~cwd) : ~(mxcsr >> 7) & mxcsr;
	if (err & 0x001)
		return FPE_FLTINV;
	if (err & 0x004)
		return FPE_FLTDIV;
	if (err & 0x008)
		return FPE_FLTOVF;
	if (err & 0x012)
		return FPE_FLTUND;
	return err & 0x020 ? FPE_FLTRES : 0;
}

/* What Linux's trap handlers put in siginfo: the faulting instruction for
 * #DE, #UD, #DB, #MF and #XM, the address for #PF (SEGV_ACCERR when it lies in one of
 * the program's areas, which the access did not allow), and SI_KERNEL with
 * no address for #GP, #BP (int3) and the rest. */
static struct ksiginfo fault_info(const struct trapframe *tf, int s, uint64_t cr2)
{
	struct ksiginfo info = {.signo = s, .code = SI_KERNEL};
	unsigned flags;

	switch (tf->vector) {
	case T_DE: info.code = FPE_INTDIV, info.addr = tf->rip; break;
	case T_UD: info.code = ILL_ILLOPN, info.addr = tf->rip; break;
	case T_DB: info.code = TRAP_TRACE, info.addr = tf->rip; break;
	case 17: info.code = BUS_ADRALN; break;
	case 16: case 19: info.code = fp_code((unsigned)tf->vector), info.addr = tf->rip; break;
	case T_PF:
		info.code = cr2 < USER_TOP && vma_mapping_end(cr2, &flags) ? SEGV_ACCERR
									 : SEGV_MAPERR;
		info.addr = cr2;
		break;
	}
	return info;
}

void signal_init(struct thread *t)
{
	t->sig.alt.flags = SS_DISABLE;
	t->sig.attention = true;
}

static void discard(uint64_t set);

void signal_release(void)
{
	itimer_reset(); /* a timer left armed would send to nobody */
	discard(~0ull);
}

static uint64_t effective(void);

/* Would sig be thrown away on delivery? */
static bool ignored(int s)
{
	uint64_t h = actions()[s].handler;

	return h == SIG_IGN || (h == SIG_DFL && (IGNORED_BY_DEFAULT & BIT(s)));
}

/* Take the first queued instance of real-time signal s from q. */
static struct ksiginfo unqueue(struct sigpending *q, int s)
{
	struct sigqueued *e = q->head[s];
	struct ksiginfo info = e->info;

	q->head[s] = e->next;
	if (!q->head[s])
		q->tail[s] = NULL;
	kfree(e);
	q->queued[s]--;
	q->queued_total--;
	return info;
}

static void discard_from(struct sigpending *q, uint64_t set)
{
	for (int s = SIGRT_FIRST; s <= SIGNAL_MAX; s++)
		while ((set & BIT(s)) && q->head[s])
			unqueue(q, s);
	q->set &= ~set;
}

void signal_thread_release(struct thread *t) { discard_from(&t->sig.own, ~0ull); }

/* From the process and every thread: the actions changed, or it ends. */
static void discard(uint64_t set)
{
	discard_from(shared(), set);
	for (struct thread *t = current_proc()->threads; t; t = t->next)
		discard_from(&t->sig.own, set);
	if (current_thread())
		discard_from(&ts()->own, set); /* the first thread, after it left the list */
}

/* Real-time signal instances queued in the process and all its threads:
 * RLIMIT_SIGPENDING counts them all, as Linux counts a user's. */
static uint64_t queued_all(void)
{
	uint64_t n = shared()->queued_total;

	for (struct thread *t = current_proc()->threads; t; t = t->next)
		n += t->sig.own.queued_total;
	return n;
}

int signal_action(int s, const struct ksigaction *act, struct ksigaction *old)
{
	if (s < 1 || s > SIGNAL_MAX || (act && (BIT(s) & UNBLOCKABLE)))
		return -EINVAL;
	if (old) {
		*old = actions()[s];
		old->flags &= SA_KNOWN;
	}
	if (act) {
		actions()[s] = *act;
		actions()[s].flags &= SA_KNOWN;
		actions()[s].mask &= ~UNBLOCKABLE;
		if (ignored(s)) /* POSIX: setting SIG_IGN discards a pending instance */
			discard(BIT(s));
	}
	return 0;
}

static void retarget(uint64_t set);

/* The current thread's mask becomes set: the process's pending signals it
 * now blocks go to a thread that takes them. */
static void set_blocked(uint64_t set)
{
	uint64_t newly = set & ~ts()->blocked;

	ts()->blocked = set & ~UNBLOCKABLE;
	retarget(newly);
}

uint64_t signal_blocked(void) { return ts()->blocked; }
void signal_set_blocked(uint64_t set) {
	set_blocked(set);
	ts()->attention = true;
}
uint64_t signal_pending(void) { return pending_here(); }

uint64_t signal_pending_any(void)
{
	uint64_t set = shared()->set;

	for (struct thread *t = current_proc()->threads; t; t = t->next)
		set |= t->sig.own.set;
	return set;
}

static bool on_altstack(uint64_t sp)
{
	/* With SS_AUTODISARM the stack is disarmed while in use, so a program
	 * that sets it is by construction not on it (Linux's rule). */
	if (ts()->alt.flags & SS_AUTODISARM)
		return false;
	return sp > ts()->alt.sp && sp - ts()->alt.sp <= ts()->alt.size;
}

static int32_t altstack_flags(uint64_t sp)
{
	if (!ts()->alt.size)
		return SS_DISABLE;
	return on_altstack(sp) ? SS_ONSTACK : 0;
}

int signal_altstack(const struct kstack *ss, struct kstack *old, uint64_t sp)
{
	if (old) {
		int32_t flags = altstack_flags(sp) | (int32_t)(ts()->alt.flags & SS_AUTODISARM);
		*old = (struct kstack){ts()->alt.sp, flags, 0, ts()->alt.size};
	}
	if (!ss)
		return 0;
	if (on_altstack(sp))
		return -EPERM;
	uint32_t mode = (uint32_t)ss->flags & ~SS_AUTODISARM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (ss->sp == ts()->alt.sp && ss->size == ts()->alt.size && ss->flags == ts()->alt.flags)
		return 0; /* no change (Linux checks nothing more) */
	if (mode == SS_DISABLE) {
		ts()->alt = (struct kstack){0, ss->flags, 0, 0};
		return 0;
	}
	if (ss->size < MINSIGSTKSZ)
		return -ENOMEM;
	ts()->alt = (struct kstack){ss->sp, ss->flags, 0, ss->size};
	return 0;
}

/* Would t take signal s now: it does not block it, or waits for it in
 * sigtimedwait. */
static bool wants(const struct thread *t, int s)
{
	return !t->killed && !t->sig.exiting &&
	       (!(t->sig.blocked & BIT(s)) || (t->sig.waiting & BIT(s)));
}

/* Tell t that a signal may be waiting for it, and wake it to look. */
static void notify(struct thread *t)
{
	t->sig.attention = true;
	if (t != current_thread()) {
		t->forever = false;
		sched_wake(t); /* out of its wait, or into the kernel from ring 3 */
	}
}

/* Wake a thread to take the process's signal s: the current one if it
 * would, else the first that would. None (every thread blocks it): it
 * stays pending until a thread unblocks it or waits for it. */
static void wake_taker(int s)
{
	struct thread *self = current_thread();

	if (self && self->proc == current_proc() && wants(self, s)) {
		notify(self);
		return;
	}
	for (struct thread *t = current_proc()->threads; t; t = t->next)
		if (t != self && wants(t, s)) {
			notify(t);
			return;
		}
}

/* The current thread no longer takes `set` (it blocked them, or it ends):
 * another thread takes those of them that are pending for the process. */
static void retarget(uint64_t set)
{
	set &= shared()->set;
	for (int s = 1; s <= SIGNAL_MAX; s++)
		if (set & BIT(s))
			wake_taker(s);
}

void signal_thread_exit(void)
{
	/* Its mask stays: the first thread's still decides which signals to
	 * the process are ignored (signal_send_info). */
	ts()->exiting = true;
	ts()->waiting = 0;
	retarget(~0ull);
}

/* Checks before sending s to a thread blocking `blocked`: false if it
 * must not be queued (0 only probes; ignored and not blocked). Stop and
 * continue signals discard each other. */
static bool may_queue(int s, uint64_t blocked)
{
	if (s == 0)
		return false; /* only "does the process exist?" */
	if (s == SIGCONT)
		discard(STOPS);
	if (BIT(s) & STOPS)
		discard(BIT(SIGCONT));
	return (blocked & BIT(s)) || !ignored(s);
}

static uint32_t posts; /* signals made pending (signal_posts) */

/* Make info pending in q. */
static int post(struct sigpending *q, const struct ksiginfo *info)
{
	int s = info->signo;

	if (s >= SIGRT_FIRST) {
		/* Past the limit, kill() still succeeds but its instance is
		 * lost if one is queued already (as Linux 6.x does); the other
		 * senders fail. */
		if (queued_all() >= proc_rlimit(RLIMIT_SIGPENDING).cur) {
			if (info->code != SI_USER)
				return -EAGAIN;
			if (q->head[s])
				return 0;
		}
		struct sigqueued *e = kmalloc(sizeof *e);
		if (!e)
			return -EAGAIN;
		*e = (struct sigqueued){*info, NULL};
		if (q->tail[s])
			q->tail[s]->next = e;
		else
			q->head[s] = e;
		q->tail[s] = e;
		q->queued[s]++;
		q->queued_total++;
	} else if (!(q->set & BIT(s))) {
		q->info[s] = *info; /* a standard signal sent again merges with it */
	} else {
		return 0; /* merged: no news for a signalfd, as Linux's */
	}
	q->set |= BIT(s);
	posts++;
	return 0;
}

/* To the process: ignored unless its first thread blocks it (Linux looks
 * at the thread group leader's mask). */
int signal_send_info(const struct ksiginfo *info)
{
	int s = info->signo;

	if (!may_queue(s, current_proc()->thread->sig.blocked))
		return 0;
	int err = post(shared(), info);
	if (!err) {
		wake_taker(s);
		pipe_poll_wake(); /* a signalfd in another thread's poll */
	}
	return err;
}

int signal_send_thread(struct thread *t, const struct ksiginfo *info)
{
	if (!may_queue(info->signo, t->sig.blocked))
		return 0;
	int err = post(&t->sig.own, info);
	if (!err) {
		notify(t);
		pipe_poll_wake();
	}
	return err;
}

bool signal_may_come(void)
{
	return itimer_may_signal((~ts()->blocked & effective()) | ts()->waiting | ts()->poll_also);
}

void signal_wait_also(uint64_t also)
{
	ts()->poll_also = also; /* (not `waiting`: that makes it the signal's taker) */
}

uint32_t signal_posts(void)
{
	return posts;
}

int signal_send(int s, int code)
{
	struct ksiginfo info = {.signo = s, .code = code, .pid = current_proc()->pid, .uid = 0};

	return signal_send_info(&info);
}

/* The signal of `mask` the running thread takes next, and the set it is
 * pending in (q): its own before its process's, as Linux does; in each,
 * faults first, then the lowest number. 0 if none. */
static int next_signal(uint64_t mask, struct sigpending **q)
{
	uint64_t ready = ts()->own.set & mask;

	*q = &ts()->own;
	if (!ready) {
		ready = shared()->set & mask;
		*q = shared();
	}
	if (!ready)
		return 0;
	if (ready & SYNCHRONOUS)
		ready &= SYNCHRONOUS;
	return __builtin_ctzll(ready) + 1;
}

/* Take one instance of s off q into info. A timer's signal carries the
 * expirations missed since it was sent; one sent before its timer was
 * deleted or set again is dropped (false), as Linux 6.13 on does. */
static bool dequeue(struct sigpending *q, int s, struct ksiginfo *info)
{
	*info = q->info[s];
	if (s >= SIGRT_FIRST)
		*info = unqueue(q, s);
	if (s < SIGRT_FIRST || !q->head[s])
		q->set &= ~BIT(s);
	if (info->code != SI_TIMER)
		return true;
	int64_t overrun = itimer_delivered(info->pid, info->seq);
	info->uid = (uint32_t)overrun;
	info->seq = 0; /* kernel-private */
	return overrun >= 0;
}

static const char *sender(const struct ksiginfo *info)
{
	if (info->code == SI_KERNEL && (info->signo == SIGXCPU || info->signo == SIGKILL))
		return "sent as the CPU time limit (RLIMIT_CPU) was reached";
	switch (info->code) {
	case SI_TKILL: return "sent by the program itself (tkill/tgkill)";
	case SI_QUEUE: return "sent by the program itself (sigqueue)";
	case SI_TIMER: return "sent by a timer of the program (timer_create)";
	case SI_KERNEL: return "sent by a timer of the program (alarm/setitimer)";
	default: return "sent by the program itself (kill)";
	}
}

/* The default action of a signal that is not ignored: the process ends.
 * Stop signals end it too: with no other process, nothing could ever send
 * the SIGCONT that would let it go on, so the status is what a shell shows
 * for a stopped job, 128 + signal. */
__attribute__((noreturn)) static void default_action(const struct trapframe *tf, int s,
						     const struct ksiginfo *info)
{
	char cause[112];

	ksnprintf(cause, sizeof cause, "%s%s",
		  BIT(s) & STOPS ? "stopped, with no other process to continue it; " : "",
		  sender(info));
	proc_killed(tf, s, cause, "", (BIT(s) & CORE_BY_DEFAULT) != 0);
}

/* A frame that cannot be built ends the process as Linux's force_sigsegv
 * does (we do not try a SIGSEGV handler). */
__attribute__((noreturn)) static void frame_fault(const struct trapframe *tf, int s,
						  const char *why)
{
	char extra[96];

	ksnprintf(extra, sizeof extra, " (delivering %s)", signal_name(s));
	proc_killed(tf, SIGSEGV, why, extra, true);
}

/* Save the vector registers at user address fp, marked as Linux marks an
 * XSAVE frame. Returns 0 or -EFAULT. */
static int save_fpu(uint64_t fp)
{
	uint32_t size = fpu_state_size(), magic2 = FP_XSTATE_MAGIC2;
	uint8_t *fpu_area = current_thread()->fpu;

	fpu_save(fpu_area);
	if (cpu_get()->osxsave) {
		struct fpx_sw_bytes sw = {FP_XSTATE_MAGIC1, size + 4, fpu_features(), size, {0}};
		memcpy(fpu_area + FP_SW_BYTES_OFFSET, &sw, sizeof sw);
		if (copy_to_user(fp + size, &magic2, sizeof magic2))
			return -EFAULT;
	}
	return copy_to_user(fp, fpu_area, size);
}

/* Build the frame for handler `a` of signal s and point tf at the handler;
 * fault is the exception's frame (for trapno, err and cr2) or NULL. */
static void enter_handler(struct trapframe *tf, int s, const struct ksigaction *a,
			  const struct ksiginfo *info, const struct trapframe *fault)
{
	uint64_t sp = tf->rsp - 128; /* the interrupted code's red zone */
	bool switching = (a->flags & SA_ONSTACK) && altstack_flags(tf->rsp) == 0;
	uint32_t fpsize = fpu_state_size() + (cpu_get()->osxsave ? 4 : 0);

	if (!(a->flags & SA_RESTORER)) /* x86-64 has no kernel-provided return path */
		frame_fault(tf, s, "handler installed without SA_RESTORER");
	/* IRETQ to a non-canonical RIP would fault in ring 0. */
	if (a->handler >= USER_TOP)
		frame_fault(tf, s, "signal handler address outside user space");
	if (switching)
		sp = ts()->alt.sp + ts()->alt.size;
	uint64_t fp = (sp - fpsize) & ~63ul;
	uint64_t frame = ((fp - sizeof(struct rt_sigframe)) & ~15ul) - 8; /* as after a call */
	if (switching && frame < ts()->alt.sp)
		frame_fault(tf, s, "alternate signal stack too small");
	if (frame >= USER_TOP || fp >= USER_TOP || save_fpu(fp))
		frame_fault(tf, s, "cannot write the signal frame");

	struct rt_sigframe f;
	memset(&f, 0, sizeof f);
	f.pretcode = a->restorer;
	f.info = *info;
	f.uc.flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	if (cpu_get()->osxsave)
		f.uc.flags |= UC_FP_XSTATE;
	f.uc.stack = ts()->alt; /* as set, for sigreturn to put back */
	f.uc.mc = (struct sigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11, .r12 = tf->r12,
		.r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15, .rdi = tf->rdi, .rsi = tf->rsi,
		.rbp = tf->rbp, .rbx = tf->rbx, .rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx,
		.rsp = tf->rsp, .rip = tf->rip, .rflags = tf->rflags, .cs = SEL_UCODE, .ss = SEL_UDATA,
		.oldmask = ts()->suspended ? ts()->saved : ts()->blocked, .fpstate = fp,
	};
	if (fault) {
		f.uc.mc.trapno = fault->vector;
		f.uc.mc.err = fault->error;
		f.uc.mc.cr2 = info->addr;
	}
	f.uc.sigmask = f.uc.mc.oldmask; /* what sigreturn puts back */
	if (copy_to_user(frame, &f, sizeof f))
		frame_fault(tf, s, "cannot write the signal frame");

	ts()->suspended = false;
	if (ts()->alt.flags & SS_AUTODISARM) /* for any handler, as Linux does */
		ts()->alt = (struct kstack){0, SS_DISABLE, 0, 0};
	signal_set_blocked(ts()->blocked | a->mask | (a->flags & SA_NODEFER ? 0 : BIT(s)));
	fpu_reset(); /* a handler starts with clean vector state, as on Linux */
	tf->rdi = (uint64_t)s;
	tf->rsi = frame + __builtin_offsetof(struct rt_sigframe, info);
	tf->rdx = frame + __builtin_offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rip = a->handler;
	tf->rsp = frame;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags &= ~(FLAGS_DF | FLAGS_TF);
}

/* The line strace prints for a delivery. */
static void trace_delivery(int s, const struct ksiginfo *info)
{
	static const char *const fault_codes[][8] = {
		[SIGILL] = {"", "ILL_ILLOPC", "ILL_ILLOPN"},
		[SIGFPE] = {"", "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF",
			    "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV"},
		[SIGSEGV] = {"", "SEGV_MAPERR", "SEGV_ACCERR"},
		[SIGBUS] = {"", "BUS_ADRALN", "BUS_ADRERR"},
		[SIGTRAP] = {"", "TRAP_BRKPT", "TRAP_TRACE"},
	};
	char name[16];
	const char *code = name;

	if (!syscall_tracing())
		return;
	if (info->code > 0 && info->code < 8 &&
	    s < (int)(sizeof fault_codes / sizeof fault_codes[0]) && fault_codes[s][info->code])
		code = fault_codes[s][info->code];
	else if (info->code == SI_KERNEL)
		code = "SI_KERNEL";
	else if (info->code == SI_TKILL)
		code = "SI_TKILL";
	else if (info->code == SI_QUEUE)
		code = "SI_QUEUE";
	else if (info->code == SI_TIMER)
		code = "SI_TIMER";
	else
		ksnprintf(name, sizeof name, info->code ? "%d" : "SI_USER", info->code);
	kreport("[strace] --- %s {si_signo=%s, si_code=%s", signal_name(s), signal_name(s), code);
	if (info->code == SI_KERNEL && !(BIT(s) & SYNCHRONOUS)) /* setitimer's */
		kreport("} ---\n");
	else if (info->code > 0)
		kreport(", si_addr=%#lx} ---\n", info->addr);
	else if (info->code == SI_TIMER)
		kreport(", si_timerid=%d, si_overrun=%u, si_value=%#lx} ---\n", info->pid, info->uid,
			info->value);
	else
		kreport(", si_pid=%d, si_uid=%u} ---\n", info->pid, info->uid);
}

/* Signals whose delivery does something: runs a handler or ends us. */
static uint64_t effective(void)
{
	uint64_t set = 0;

	for (int s = 1; s <= SIGNAL_MAX; s++)
		if (!ignored(s))
			set |= BIT(s);
	return set;
}

static int wait_for(uint64_t deadline, uint64_t also)
{
	const uint64_t tick = 1000000000ull / TIMER_HZ;
	struct thread *t = current_thread();

	for (;;) {
		t->forever = false;
		if (pending_here() & (~ts()->blocked | also))
			return -EINTR;
		uint64_t now = time_ns();
		if (now >= deadline)
			return 0;
		if (deadline == SIGNAL_NO_DEADLINE &&
		    !itimer_may_signal((~ts()->blocked & effective()) | also)) {
			/* only another thread could end it */
			t->forever = true;
			if (proc_all_forever()) {
				t->forever = false;
				return -EDEADLK;
			}
			sched_sleep(false);
		} else if (deadline - now > tick || sched_others_waiting()) {
			sched_sleep(true); /* a tick: timers may have sent a signal */
		} else {
			/* The rest of a tick, on this CPU, with interrupts on:
			 * its timer wakes the threads asleep on it. */
			kernel_unlock();
			irq_enable();
			time_sleep_until(deadline);
			irq_disable();
			kernel_lock();
		}
	}
}

int signal_wait(uint64_t deadline, uint64_t also)
{
	ts()->waiting = also; /* a process signal in `also` wakes us (wake_taker) */
	int err = wait_for(deadline, also);
	ts()->waiting = 0;
	return err;
}

int signal_wait_or_end(uint64_t deadline, const char *what)
{
	int err = signal_wait(deadline, 0);
	if (err == -EDEADLK)
		proc_killed(syscall_frame(), SIGKILL, what, "", true);
	return err;
}

void signal_wait_mask(uint64_t mask)
{
	ts()->saved = ts()->blocked;
	ts()->suspended = true;
	set_blocked(mask);
	ts()->attention = true;
}

void signal_wait_unmask(bool interrupted)
{
	/* Interrupted: the handler's frame records the old mask, and
	 * signal_return_to_user puts it back if no handler runs. */
	if (!interrupted) {
		set_blocked(ts()->saved);
		ts()->suspended = false;
	}
}

int signal_suspend(uint64_t mask)
{
	signal_wait_mask(mask);
	int err = signal_wait(SIGNAL_NO_DEADLINE, 0);
	signal_wait_unmask(err == -EINTR);
	return err;
}

int signal_timedwait(uint64_t set, uint64_t deadline, struct ksiginfo *info)
{
	set &= ~UNBLOCKABLE;
	for (;;) {
		struct sigpending *q;
		int s = next_signal(set, &q);
		if (s) {
			ts()->attention = true;
			if (dequeue(q, s, info))
				return s;
			continue;
		}
		int err = signal_wait(deadline, set);
		if (err == 0)
			return -EAGAIN;
		if (err == -EDEADLK || !(pending_here() & set))
			return err; /* another signal came: -EINTR */
	}
}

/* Run the interrupted system call again: SYSCALL and int $0x80 are both 2
 * bytes long, and its number is still in the frame's vector (the argument
 * registers are untouched). */
static void restart_syscall(struct trapframe *tf)
{
	tf->rax = tf->vector;
	tf->rip -= 2;
}

bool signal_return_to_user(struct trapframe *tf, bool syscall)
{
	bool full = ts()->restored;
	bool always = syscall && tf->rax == (uint64_t)-ERESTARTNOINTR;
	bool restart = always || (syscall && tf->rax == (uint64_t)-ERESTARTSYS);

	ts()->restored = false;
	for (;;) {
		struct sigpending *q;
		int s = next_signal(~ts()->blocked, &q);
		if (!s)
			break;
		struct ksiginfo info;
		if (!dequeue(q, s, &info))
			continue;
		struct ksigaction a = actions()[s];
		trace_delivery(s, &info);
		if (ignored(s))
			continue;
		if (a.handler == SIG_DFL)
			default_action(tf, s, &info);
		if (a.flags & SA_RESETHAND)
			actions()[s].handler = SIG_DFL;
		if (restart) { /* before the frame saves RAX and RIP */
			if (always || (a.flags & SA_RESTART))
				restart_syscall(tf);
			else
				tf->rax = (uint64_t)-EINTR;
			restart = false;
		}
		enter_handler(tf, s, &a, &info, NULL);
		full = true;
	}
	if (restart) { /* no handler ran: Linux restarts the call */
		restart_syscall(tf);
		full = true;
	}
	if (ts()->suspended) { /* sigsuspend's signal was ignored: its mask goes */
		set_blocked(ts()->saved);
		ts()->suspended = false;
	}
	ts()->attention = (pending_here() & ~ts()->blocked) != 0;
	return full;
}

void signal_fault(struct trapframe *tf, uint64_t cr2)
{
	int s = signal_of_trap((unsigned)tf->vector);
	struct ksigaction a = actions()[s];

	/* Linux's force_sig: a blocked or ignored fault signal kills. */
	if ((ts()->blocked & BIT(s)) || a.handler == SIG_DFL || a.handler == SIG_IGN)
		proc_fault(tf);
	struct ksiginfo info = fault_info(tf, s, cr2);
	struct trapframe fault = *tf;
	trace_delivery(s, &info);
	if (a.flags & SA_RESETHAND)
		actions()[s].handler = SIG_DFL;
	enter_handler(tf, s, &a, &info, &fault);
}

/* The saved vector state: an XSAVE image when Linux's markers say it is
 * complete, else only the FXSAVE part (the other components start clean). */
static int restore_fpu(const struct ucontext *uc)
{
	uint64_t fp = uc->mc.fpstate;
	uint32_t size = fpu_state_size(), magic2;
	struct fpx_sw_bytes sw;
	uint8_t *fpu_area = current_thread()->fpu;

	if (!fp) {
		fpu_reset();
		return 0;
	}
	if (copy_from_user(fpu_area, fp, FPU_LEGACY_SIZE))
		return -EFAULT;
	if (!cpu_get()->osxsave)
		return fpu_restore(fpu_area);
	memcpy(&sw, fpu_area + FP_SW_BYTES_OFFSET, sizeof sw);
	bool whole = (uc->flags & UC_FP_XSTATE) && sw.magic1 == FP_XSTATE_MAGIC1 &&
		     sw.xstate_size == size && sw.extended_size == size + 4 &&
		     copy_from_user(&magic2, fp + size, 4) == 0 && magic2 == FP_XSTATE_MAGIC2;
	if (whole) {
		if (copy_from_user(fpu_area, fp, size))
			return -EFAULT;
		uint64_t bv;
		memcpy(&bv, fpu_area + FPU_LEGACY_SIZE, 8);
		bv &= sw.xfeatures;
		memcpy(fpu_area + FPU_LEGACY_SIZE, &bv, 8);
	} else {
		uint64_t header[8] = {FPU_XSTATE_X87 | FPU_XSTATE_SSE};
		memcpy(fpu_area + FPU_LEGACY_SIZE, header, sizeof header);
	}
	return fpu_restore(fpu_area);
}

int64_t signal_sigreturn(struct trapframe *tf)
{
	uint64_t handler_sp = tf->rsp, at = tf->rsp - 8;
	struct rt_sigframe f;

	if (at >= USER_TOP || copy_from_user(&f, at, sizeof f))
		proc_killed(tf, SIGSEGV, "rt_sigreturn with no readable signal frame", "", true);
	signal_set_blocked(f.uc.sigmask);
	const struct sigcontext *mc = &f.uc.mc;
	/* IRETQ to a non-canonical RIP faults in ring 0: only user addresses. */
	if (mc->rip >= USER_TOP || mc->rsp >= USER_TOP)
		proc_killed(tf, SIGSEGV, "rt_sigreturn to a non-user RIP or RSP", "", true);
	if (restore_fpu(&f.uc))
		proc_killed(tf, SIGSEGV, "rt_sigreturn with bad vector-register state", "", true);
	tf->r8 = mc->r8, tf->r9 = mc->r9, tf->r10 = mc->r10, tf->r11 = mc->r11;
	tf->r12 = mc->r12, tf->r13 = mc->r13, tf->r14 = mc->r14, tf->r15 = mc->r15;
	tf->rdi = mc->rdi, tf->rsi = mc->rsi, tf->rbp = mc->rbp, tf->rbx = mc->rbx;
	tf->rdx = mc->rdx, tf->rax = mc->rax, tf->rcx = mc->rcx, tf->rsp = mc->rsp;
	tf->rip = mc->rip;
	tf->rflags = (tf->rflags & ~FLAGS_USER) | (mc->rflags & FLAGS_USER);
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	/* As Linux: put back the alternate stack unless the handler runs on the
	 * one now set (errors other than a fault are ignored). */
	signal_altstack(&f.uc.stack, NULL, handler_sp);
	ts()->restored = true;
	ts()->attention = true;
	return (int64_t)tf->rax;
}
