/* Signal handlers really run: what they receive (signal number, siginfo),
 * masks while they run, blocked signals delivered on unblock, real-time
 * signals queued, SA_RESETHAND, SA_NODEFER, the alternate stack, SIG_IGN
 * and default-ignored signals, every register and the vector state kept
 * across a handler, and the error cases of the signal system calls. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SA_RESTORER 0x04000000
#define SA_UNSUPPORTED 0x400
#define SS_AUTODISARM (1u << 31)

/* The kernel's struct sigaction (glibc's differs). */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

static const char *err_name(int e)
{
	switch (e) {
	case 0:
		return "ok";
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case ESRCH:
		return "ESRCH";
	case EPERM:
		return "EPERM";
	case ENOMEM:
		return "ENOMEM";
	default:
		return "other";
	}
}

/* "ok" or the errno name of a raw system call's result. */
static const char *res(long r)
{
	return r == -1 ? err_name(errno) : r == 0 ? "ok" : "positive";
}

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

/* A log of handler events, printed as a string of letters. */
static char trace[64];
static volatile int ntrace;
static void note(char c)
{
	if (ntrace < (int)sizeof trace - 1)
		trace[ntrace++] = c;
}
static void show_trace(const char *what)
{
	trace[ntrace] = 0;
	printf("%s: %s\n", what, trace);
	ntrace = 0;
}

static volatile int count, last_sig, last_code, pid_ok, uid_ok;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	count++;
	last_sig = sig;
	last_code = si->si_code;
	pid_ok = si->si_pid == getpid();
	uid_ok = si->si_uid == getuid();
}

static void install(int sig, void (*fn)(int), int flags, const sigset_t *mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		printf("sigaction(%d) failed: %s\n", sig, err_name(errno));
}

static void install_info(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static const char *code_name(int code)
{
	return code == SI_USER ? "SI_USER" : code == SI_TKILL ? "SI_TKILL" : "other";
}

static void siginfo_tests(void)
{
	install_info(SIGUSR1, 0);
	count = 0;
	raise(SIGUSR1);
	printf(
	    "raise: handler ran %d time, signal %d, si_code %s, si_pid ours %s, si_uid ours %s\n",
	    count, last_sig, code_name(last_code), yes(pid_ok), yes(uid_ok));
	kill(getpid(), SIGUSR1);
	printf("kill: handler ran %d times, signal %d, si_code %s, si_pid ours %s\n", count,
	       last_sig, code_name(last_code), yes(pid_ok));
	/* (kill(0, sig) would reach the test harness too: our process group) */
	printf("kill(0, 0): %s\n", res(kill(0, 0)));
	printf("tgkill: %s, handler ran %d times\n",
	       res(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1)), count);
	printf("tkill: %s, handler ran %d times, si_code %s\n",
	       res(syscall(SYS_tkill, gettid(), SIGUSR1)), count, code_name(last_code));
}

static void plain_handler(int sig)
{
	note(sig == SIGUSR1 ? '1' : sig == SIGUSR2 ? '2' : '?');
}

static void blocked_tests(void)
{
	sigset_t set, pending, old;

	install(SIGUSR2, plain_handler, 0, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR2);
	raise(SIGUSR2); /* a standard signal is pending once, not twice */
	sigpending(&pending);
	printf("blocked SIGUSR2 pending: %s, handler ran: %s\n",
	       yes(sigismember(&pending, SIGUSR2)), yes(ntrace > 0));
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigpending(&pending);
	show_trace("after unblocking (one run expected)");
	printf("still pending: %s\n", yes(sigismember(&pending, SIGUSR2)));

	/* Two different signals unblocked at once: the lower one is dequeued
	 * first, so its frame is built first and the other runs on top of it. */
	install(SIGUSR1, plain_handler, 0, NULL);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	raise(SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	show_trace("USR1 and USR2 unblocked together");

	/* Setting SIG_IGN throws a pending signal away. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	signal(SIGUSR2, SIG_IGN);
	sigpending(&pending);
	printf("pending after SIG_IGN: %s\n", yes(sigismember(&pending, SIGUSR2)));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	show_trace("ran after SIG_IGN (none expected)");

	/* SIGKILL and SIGSTOP cannot be blocked. */
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigprocmask(SIG_BLOCK, NULL, &set);
	printf("SIGKILL blockable: %s, SIGSTOP blockable: %s, SIGTERM blocked: %s\n",
	       yes(sigismember(&set, SIGKILL)), yes(sigismember(&set, SIGSTOP)),
	       yes(sigismember(&set, SIGTERM)));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static volatile int rt_count;
static void rt_handler(int sig)
{
	rt_count++;
}

static void realtime_tests(void)
{
	sigset_t set;

	install(SIGRTMIN + 2, rt_handler, 0, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 3; i++)
		raise(SIGRTMIN + 2);
	printf("real-time signal raised 3 times while blocked, ran %d times\n", rt_count);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("after unblocking it ran %d times (queued, not merged)\n", rt_count);
}

static volatile int depth;
static void mask_handler(int sig)
{
	if (sig == SIGUSR1) {
		note('[');
		raise(SIGUSR2); /* in sa_mask: waits until we return */
		if (depth++ == 0)
			raise(SIGUSR1); /* nested only with SA_NODEFER */
		note(']');
	} else {
		note('2');
	}
}

static void mask_tests(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	install(SIGUSR2, mask_handler, 0, NULL);
	install(SIGUSR1, mask_handler, 0, &mask);
	depth = 0;
	raise(SIGUSR1);
	show_trace("sa_mask={USR2}, handler raises USR2 and USR1");
	install(SIGUSR1, mask_handler, SA_NODEFER, &mask);
	depth = 0;
	raise(SIGUSR1);
	show_trace("same with SA_NODEFER");

	install(SIGUSR1, plain_handler, SA_RESETHAND, NULL);
	raise(SIGUSR1);
	struct sigaction now;
	sigaction(SIGUSR1, NULL, &now);
	show_trace("SA_RESETHAND handler");
	printf("action afterwards is SIG_DFL: %s\n", yes(now.sa_handler == SIG_DFL));
}

static char altstack[65536];
static volatile int on_alt, alt_flags, alt_eperm;
static void alt_handler(int sig)
{
	char local;
	stack_t cur, ss = {.ss_sp = altstack, .ss_size = sizeof altstack};

	on_alt = &local >= altstack && &local < altstack + sizeof altstack;
	sigaltstack(NULL, &cur);
	alt_flags = cur.ss_flags;
	alt_eperm = sigaltstack(&ss, NULL) == -1 && errno == EPERM;
}

static void altstack_tests(void)
{
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0}, cur;

	sigaltstack(NULL, &cur);
	printf("initial alternate stack disabled: %s\n", yes(cur.ss_flags == SS_DISABLE));
	ss.ss_size = 1024;
	printf("sigaltstack of 1024 bytes: %s\n", res(sigaltstack(&ss, NULL)));
	ss.ss_size = sizeof altstack;
	ss.ss_flags = 99;
	printf("sigaltstack with flags 99: %s\n", res(sigaltstack(&ss, NULL)));
	ss.ss_flags = 0;
	printf("sigaltstack of 64 KiB: %s\n", res(sigaltstack(&ss, NULL)));
	printf("sigaltstack with a bad pointer: %s\n",
	       res(syscall(SYS_sigaltstack, (void *)8, NULL)));
	sigaltstack(NULL, &cur);
	printf("reported back: same base %s, same size %s, flags %d\n", yes(cur.ss_sp == altstack),
	       yes(cur.ss_size == sizeof altstack), cur.ss_flags);

	install(SIGUSR1, alt_handler, SA_ONSTACK, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK handler on the alternate stack: %s, flags %s, changing it: %s\n",
	       yes(on_alt), alt_flags == SS_ONSTACK ? "SS_ONSTACK" : "other",
	       alt_eperm ? "EPERM" : "allowed");
	install(SIGUSR1, alt_handler, 0, NULL);
	raise(SIGUSR1);
	printf("handler without SA_ONSTACK on the alternate stack: %s\n", yes(on_alt));

	/* SS_AUTODISARM: the stack is disarmed while a handler runs on it (so
	 * it may be changed there), and armed again by sigreturn. */
	ss.ss_flags = SS_AUTODISARM;
	printf("sigaltstack with SS_AUTODISARM: %s\n", res(sigaltstack(&ss, NULL)));
	sigaltstack(NULL, &cur);
	printf("reported flags: %s\n",
	       cur.ss_flags == (int)SS_AUTODISARM ? "SS_AUTODISARM" : "other");
	install(SIGUSR1, alt_handler, SA_ONSTACK, NULL);
	raise(SIGUSR1);
	printf("handler on it: %s, flags seen there: %s, changing it there: %s\n", yes(on_alt),
	       alt_flags == SS_DISABLE ? "SS_DISABLE" : "other", alt_eperm ? "EPERM" : "allowed");
	sigaltstack(NULL, &cur);
	printf("afterwards (the handler set it with flags 0 while on it): %s\n",
	       cur.ss_sp == altstack && cur.ss_flags == 0 ? "kept flags 0" : "other");
	sigaltstack(&ss, NULL);
	install(SIGUSR1, alt_handler, 0, NULL); /* not SA_ONSTACK: disarmed all the same */
	raise(SIGUSR1);
	sigaltstack(NULL, &cur);
	printf("handler without SA_ONSTACK: on it: %s, flags seen there: %s\n", yes(on_alt),
	       alt_flags == SS_DISABLE ? "SS_DISABLE" : "other");
	printf("armed again afterwards: %s\n",
	       yes(cur.ss_sp == altstack && cur.ss_flags == (int)SS_AUTODISARM));

	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &cur);
	printf("disabled again: %s\n", yes(cur.ss_flags == SS_DISABLE));
	install(SIGUSR1, alt_handler, SA_ONSTACK, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK without an alternate stack runs on the normal one: %s\n", yes(!on_alt));
}

static void ignore_tests(void)
{
	signal(SIGUSR1, SIG_IGN);
	printf("raise(SIGUSR1) with SIG_IGN: %d\n", raise(SIGUSR1));
	int sigs[] = {SIGCHLD, SIGWINCH, SIGURG, SIGCONT};
	for (int i = 0; i < 4; i++)
		printf("raise(%s) with the default action: %d\n", sigabbrev_np(sigs[i]),
		       raise(sigs[i]));
	signal(SIGUSR1, SIG_DFL);
}

/*
 * Registers across a handler: load known values into every general register
 * the system-call ABI keeps, XMM0-15, the AVX upper halves, MXCSR and one x87
 * value, send ourselves SIGUSR1 with a raw kill, and store them back. The
 * handler scribbles over all of them first.
 */
struct regs {
	uint64_t gpr[12]; /* rbx rbp rdx r8 r9 r10 r12 r13 r14 r15 | rdi rsi */
	uint8_t ymm[16][32];
	uint32_t mxcsr;
	double x87;
	uint64_t rsp_before, rsp_after;
};
long regs_across_kill(const struct regs *in, struct regs *out, long pid, long sig);
__asm__(".text\n"
	".globl regs_across_kill\n"
	"regs_across_kill:\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	push %rsi\n"
	"	push %rdi\n"
	"	sub $8, %rsp\n"
	"	stmxcsr (%rsp)\n" /* the caller's MXCSR, put back at the end */
	"	ldmxcsr 608(%rdi)\n"
	"	fldl 616(%rdi)\n"
	"	vmovdqu 96(%rdi), %ymm0\n"
	"	vmovdqu 128(%rdi), %ymm1\n"
	"	vmovdqu 160(%rdi), %ymm2\n"
	"	vmovdqu 192(%rdi), %ymm3\n"
	"	vmovdqu 224(%rdi), %ymm4\n"
	"	vmovdqu 256(%rdi), %ymm5\n"
	"	vmovdqu 288(%rdi), %ymm6\n"
	"	vmovdqu 320(%rdi), %ymm7\n"
	"	vmovdqu 352(%rdi), %ymm8\n"
	"	vmovdqu 384(%rdi), %ymm9\n"
	"	vmovdqu 416(%rdi), %ymm10\n"
	"	vmovdqu 448(%rdi), %ymm11\n"
	"	vmovdqu 480(%rdi), %ymm12\n"
	"	vmovdqu 512(%rdi), %ymm13\n"
	"	vmovdqu 544(%rdi), %ymm14\n"
	"	vmovdqu 576(%rdi), %ymm15\n"
	"	mov %rdx, %rax\n"
	"	mov %rcx, %r11\n"
	"	mov 0(%rdi), %rbx\n"
	"	mov 8(%rdi), %rbp\n"
	"	mov 16(%rdi), %rdx\n"
	"	mov 24(%rdi), %r8\n"
	"	mov 32(%rdi), %r9\n"
	"	mov 40(%rdi), %r10\n"
	"	mov 48(%rdi), %r12\n"
	"	mov 56(%rdi), %r13\n"
	"	mov 64(%rdi), %r14\n"
	"	mov 72(%rdi), %r15\n"
	"	mov %rax, %rdi\n"
	"	mov %r11, %rsi\n"
	"	mov %rsp, rsp_mark(%rip)\n"
	"	mov $62, %eax\n" /* kill(pid, sig) */
	"	syscall\n"
	"	mov %rsp, rsp_mark+8(%rip)\n"
	"	push %rax\n"
	"	mov 24(%rsp), %rax\n" /* out */
	"	mov %rbx, 0(%rax)\n"
	"	mov %rbp, 8(%rax)\n"
	"	mov %rdx, 16(%rax)\n"
	"	mov %r8, 24(%rax)\n"
	"	mov %r9, 32(%rax)\n"
	"	mov %r10, 40(%rax)\n"
	"	mov %r12, 48(%rax)\n"
	"	mov %r13, 56(%rax)\n"
	"	mov %r14, 64(%rax)\n"
	"	mov %r15, 72(%rax)\n"
	"	mov %rdi, 80(%rax)\n"
	"	mov %rsi, 88(%rax)\n"
	"	vmovdqu %ymm0, 96(%rax)\n"
	"	vmovdqu %ymm1, 128(%rax)\n"
	"	vmovdqu %ymm2, 160(%rax)\n"
	"	vmovdqu %ymm3, 192(%rax)\n"
	"	vmovdqu %ymm4, 224(%rax)\n"
	"	vmovdqu %ymm5, 256(%rax)\n"
	"	vmovdqu %ymm6, 288(%rax)\n"
	"	vmovdqu %ymm7, 320(%rax)\n"
	"	vmovdqu %ymm8, 352(%rax)\n"
	"	vmovdqu %ymm9, 384(%rax)\n"
	"	vmovdqu %ymm10, 416(%rax)\n"
	"	vmovdqu %ymm11, 448(%rax)\n"
	"	vmovdqu %ymm12, 480(%rax)\n"
	"	vmovdqu %ymm13, 512(%rax)\n"
	"	vmovdqu %ymm14, 544(%rax)\n"
	"	vmovdqu %ymm15, 576(%rax)\n"
	"	stmxcsr 608(%rax)\n"
	"	fstpl 616(%rax)\n"
	"	vzeroupper\n"
	"	pop %rax\n"
	"	ldmxcsr (%rsp)\n"
	"	add $24, %rsp\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n");
uint64_t rsp_mark[2];

/* The SSE rounding mode (MXCSR bits 13-14; fenv would need libm). */
enum { ROUND_NEAREST, ROUND_DOWN, ROUND_UP, ROUND_ZERO };
static int get_round(void)
{
	uint32_t m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return (int)(m >> 13) & 3;
}
static void set_round(int mode)
{
	uint32_t m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	m = (m & ~(3u << 13)) | (uint32_t)mode << 13;
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}

static volatile int scribbled, handler_round;
void scribble_handler(int sig);
void scribble_handler(int sig)
{
	volatile double x = 1.0;
	char buf[4096];

	handler_round = get_round() == ROUND_NEAREST; /* a handler starts with clean state */
	set_round(ROUND_UP);
	memset(buf, 0x5a, sizeof buf);
	for (int i = 0; i < 100; i++)
		x = x * 1.0001 + buf[i % sizeof buf];
	__asm__ volatile(
	    "vpcmpeqb %%ymm0, %%ymm0, %%ymm0\n"
	    "vmovdqa %%ymm0, %%ymm1\n vmovdqa %%ymm0, %%ymm7\n vmovdqa %%ymm0, %%ymm8\n"
	    "vmovdqa %%ymm0, %%ymm15\n fldz\n fstp %%st(0)\n"
	    "mov $-1, %%rdx\n mov $-1, %%r8\n mov $-1, %%r9\n mov $-1, %%r10\n"
	    "mov $-1, %%rdi\n mov $-1, %%rsi\n mov $-1, %%r11\n"
	    :
	    :
	    : "rdx", "r8", "r9", "r10", "r11", "rdi", "rsi", "xmm0", "xmm1", "xmm7", "xmm8",
	      "xmm15", "memory");
	scribbled = x > 1.0;
}

/* The handler proper: first overwrite the registers a C function would
 * save and restore itself, so that only the kernel can bring them back. */
void scribble_entry(int sig);
__asm__(".text\n"
	".globl scribble_entry\n"
	"scribble_entry:\n"
	"	mov $-1, %rbx\n mov $-1, %rbp\n mov $-1, %r12\n"
	"	mov $-1, %r13\n mov $-1, %r14\n mov $-1, %r15\n"
	"	jmp scribble_handler\n");

static void register_tests(void)
{
	static struct regs in, out;

	if (!__builtin_cpu_supports("avx")) {
		printf("registers: no AVX on this CPU\n");
		return;
	}
	install(SIGUSR1, scribble_entry, 0, NULL);
	for (int i = 0; i < 10; i++)
		in.gpr[i] = 0x0101010101010101ull * (uint64_t)(i + 1) + 0x1000;
	for (int r = 0; r < 16; r++)
		for (int b = 0; b < 32; b++)
			in.ymm[r][b] = (uint8_t)(r * 32 + b + 7);
	in.mxcsr = 0x1f80 | (3 << 13); /* round toward zero */
	in.x87 = 2.718281828459045;
	long r = regs_across_kill(&in, &out, getpid(), SIGUSR1);
	int gpr_ok = 1;
	for (int i = 0; i < 10; i++)
		gpr_ok &= out.gpr[i] == in.gpr[i];
	printf("kill returned %ld, handler ran and scribbled: %s, it started with "
	       "round-to-nearest: %s\n",
	       r, yes(scribbled), yes(handler_round));
	printf("general registers kept: %s, kill's arguments kept: %s, stack pointer kept: %s\n",
	       yes(gpr_ok), yes(out.gpr[10] == (uint64_t)getpid() && out.gpr[11] == SIGUSR1),
	       yes(rsp_mark[0] == rsp_mark[1]));
	printf("ymm0-15 kept: %s, MXCSR kept: %s, x87 value kept: %s\n",
	       yes(!memcmp(in.ymm, out.ymm, sizeof in.ymm)), yes(out.mxcsr == in.mxcsr),
	       yes(out.x87 == in.x87));

	/* The rounding mode seen by C code, across raise(). */
	set_round(ROUND_DOWN);
	raise(SIGUSR1);
	int mode = get_round();
	set_round(ROUND_NEAREST);
	printf("rounding mode after the handler: %s\n",
	       mode == ROUND_DOWN ? "downward (kept)" : "changed");
}

static void error_tests(void)
{
	struct ksigaction ka, old;
	uint64_t set = 0;

	memset(&ka, 0, sizeof ka);
	ka.handler = (void *)plain_handler;
	printf("rt_sigaction(SIGKILL): %s\n",
	       res(syscall(SYS_rt_sigaction, SIGKILL, &ka, NULL, 8)));
	printf("rt_sigaction(SIGSTOP): %s\n",
	       res(syscall(SYS_rt_sigaction, SIGSTOP, &ka, NULL, 8)));
	printf("rt_sigaction(SIGKILL) query only: %s\n",
	       res(syscall(SYS_rt_sigaction, SIGKILL, NULL, &old, 8)));
	printf("rt_sigaction(0): %s\n", res(syscall(SYS_rt_sigaction, 0, NULL, &old, 8)));
	printf("rt_sigaction(65): %s\n", res(syscall(SYS_rt_sigaction, 65, NULL, &old, 8)));
	printf("rt_sigaction(64): %s\n", res(syscall(SYS_rt_sigaction, 64, NULL, &old, 8)));
	printf("rt_sigaction sigsetsize 4: %s\n",
	       res(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4)));
	printf("rt_sigaction bad act: %s\n",
	       res(syscall(SYS_rt_sigaction, SIGUSR1, (void *)16, NULL, 8)));
	printf("rt_sigaction bad oldact: %s\n",
	       res(syscall(SYS_rt_sigaction, SIGUSR1, NULL, (void *)16, 8)));
	ka.flags = SA_RESTORER | SA_UNSUPPORTED | SA_SIGINFO;
	ka.restorer = (void *)1;
	syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8);
	syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8);
	printf("unknown sa_flags bit cleared: %s, SA_SIGINFO kept: %s\n",
	       yes(!(old.flags & SA_UNSUPPORTED)), yes(old.flags & SA_SIGINFO));
	signal(SIGUSR2, SIG_DFL);
	printf("rt_sigprocmask how 7: %s\n", res(syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8)));
	printf("rt_sigprocmask how 7, no set: %s\n",
	       res(syscall(SYS_rt_sigprocmask, 7, NULL, NULL, 8)));
	printf("rt_sigprocmask sigsetsize 16: %s\n",
	       res(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16)));
	printf("rt_sigprocmask bad set: %s\n",
	       res(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)16, NULL, 8)));
	printf("rt_sigpending sigsetsize 9: %s\n", res(syscall(SYS_rt_sigpending, &set, 9)));
	printf("kill(getpid(), 65): %s\n", res(kill(getpid(), 65)));
	printf("kill(getpid(), -1): %s\n", res(kill(getpid(), -1)));
	printf("kill(getpid(), 0): %s\n", res(kill(getpid(), 0)));
	printf("kill(99999999, 0): %s\n", res(kill(99999999, 0)));
	printf("kill(-99999999, 0): %s\n", res(kill(-99999999, 0)));
	printf("tgkill(getpid(), gettid(), 0): %s\n",
	       res(syscall(SYS_tgkill, getpid(), gettid(), 0)));
	printf("tgkill(0, gettid(), 0): %s\n", res(syscall(SYS_tgkill, 0, gettid(), 0)));
	printf("tgkill(getpid(), 0, 0): %s\n", res(syscall(SYS_tgkill, getpid(), 0, 0)));
	printf("tgkill(getpid(), 99999999, 0): %s\n",
	       res(syscall(SYS_tgkill, getpid(), 99999999, 0)));
	printf("tgkill(99999999, gettid(), 0): %s\n",
	       res(syscall(SYS_tgkill, 99999999, gettid(), 0)));
	printf("tgkill(getpid(), gettid(), 65): %s\n",
	       res(syscall(SYS_tgkill, getpid(), gettid(), 65)));
	printf("tkill(-3, 0): %s\n", res(syscall(SYS_tkill, -3, 0)));
	printf("tkill(gettid(), 0): %s\n", res(syscall(SYS_tkill, gettid(), 0)));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	siginfo_tests();
	blocked_tests();
	realtime_tests();
	mask_tests();
	altstack_tests();
	ignore_tests();
	register_tests();
	error_tests();
	printf("done\n");
	return 0;
}
