/* CPU faults reach the program's handlers (they used to kill it whatever
 * it installed): siginfo (si_signo, si_code, si_addr) and the ucontext
 * registers as Linux gives them, siglongjmp out of a SIGSEGV handler, a
 * handler that fixes the fault and returns, a stack overflow caught on the
 * alternate stack, SIGFPE (integer and x87), SIGILL and SIGTRAP; and a fault whose signal is
 * blocked still kills (status 139). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int hits;
static siginfo_t last;
static greg_t trapno, err, rip;
static volatile uintptr_t resume_at, alt_lo, alt_hi;
static volatile int on_alt;
static char *ro_page;

static const char *code_name(int sig, int code)
{
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	if (sig == SIGSEGV)
		return code == SEGV_MAPERR   ? "SEGV_MAPERR"
		       : code == SEGV_ACCERR ? "SEGV_ACCERR"
					     : "?";
	if (sig == SIGFPE)
		return code == FPE_INTDIV ? "FPE_INTDIV" : code == FPE_FLTDIV ? "FPE_FLTDIV" : "?";
	if (sig == SIGILL)
		return code == ILL_ILLOPN ? "ILL_ILLOPN" : "?";
	if (sig == SIGTRAP)
		return code == TRAP_BRKPT ? "TRAP_BRKPT" : "?";
	return "?";
}

static void record(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uintptr_t here = (uintptr_t)&uc;

	hits++;
	last = *si;
	last.si_signo = sig == si->si_signo ? sig : -1;
	trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	err = uc->uc_mcontext.gregs[REG_ERR];
	rip = uc->uc_mcontext.gregs[REG_RIP];
	on_alt = here >= alt_lo && here < alt_hi;
}

static void jump_out(int sig, siginfo_t *si, void *ctx)
{
	record(sig, si, ctx);
	siglongjmp(env, sig);
}

/* Makes the page writable: the faulting write is retried and succeeds. */
static void fix_page(int sig, siginfo_t *si, void *ctx)
{
	record(sig, si, ctx);
	mprotect(ro_page, 4096, PROT_READ | PROT_WRITE);
}

/* Moves RIP past the faulting instruction (resume_at) and sets RAX. */
static void skip(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	record(sig, si, ctx);
	if (resume_at)
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)resume_at;
	uc->uc_mcontext.gregs[REG_RAX] = 42;
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

static void show(const char *what)
{
	printf("%s: hits=%d signo=%s code=%s\n", what, hits, strsignal(last.si_signo),
	       code_name(last.si_signo, last.si_code));
	hits = 0;
}

static int segv_blocked(void)
{
	sigset_t now;

	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigismember(&now, SIGSEGV);
}

static volatile int never;

static int recurse(int depth)
{
	volatile char pad[1024];

	pad[0] = (char)depth;
	if (never)
		return 0;
	return recurse(depth + 1) + pad[0];
}

int main(void)
{
	volatile int zero = 0, *volatile null_ish = (int *)16;

	setvbuf(stdout, NULL, _IONBF, 0);

	/* A write to an unmapped address, siglongjmp out. */
	on(SIGSEGV, jump_out, 0);
	if (sigsetjmp(env, 1) == 0)
		*null_ish = 1;
	show("null write");
	printf("  si_addr is the address: %s; trapno %ld, err %ld; rip is in main: %s\n",
	       last.si_addr == (void *)16 ? "yes" : "no", (long)trapno, (long)err,
	       rip > (greg_t)main && rip < (greg_t)main + 4096 ? "yes" : "no");
	printf("  SIGSEGV blocked after siglongjmp: %s\n", segv_blocked() ? "yes" : "no");

	/* Again: the handler's mask was put back, so a second fault is caught. */
	if (sigsetjmp(env, 1) == 0)
		(void)*null_ish;
	show("null read again");
	printf("  err %ld\n", (long)err);

	/* A write to a read-only page: SEGV_ACCERR; the handler fixes it. */
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	on(SIGSEGV, fix_page, 0);
	ro_page[5] = 'x';
	show("read-only write");
	printf("  si_addr is the byte: %s; the write happened: %s\n",
	       last.si_addr == ro_page + 5 ? "yes" : "no", ro_page[5] == 'x' ? "yes" : "no");

	/* A non-canonical address is #GP: SI_KERNEL, no address. */
	on(SIGSEGV, jump_out, 0);
	if (sigsetjmp(env, 1) == 0)
		(void)*(volatile int *)0x8000000000000000ul;
	show("non-canonical read");
	printf("  si_addr %p, trapno %ld\n", last.si_addr, (long)trapno);

	/* Division by zero: SIGFPE, FPE_INTDIV at the instruction. */
	on(SIGFPE, jump_out, 0);
	if (sigsetjmp(env, 1) == 0)
		printf("%d\n", 7 / zero);
	show("divide by zero");
	printf("  si_addr is the saved rip: %s; trapno %ld\n",
	       last.si_addr == (void *)rip ? "yes" : "no", (long)trapno);

	/* x87 division by zero with the exception unmasked: #MF at the next
	 * x87 instruction, FPE_FLTDIV. The handler starts with clean x87
	 * state, as on Linux, so it is masked again after siglongjmp. (SSE's
	 * #XM is left out: QEMU's emulation never raises it.) */
	unsigned short cw;
	volatile long double lone = 1, lzero = 0, lres;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	cw &= ~4; /* ZM */
	if (sigsetjmp(env, 1) == 0) {
		__asm__ volatile("fldcw %0" : : "m"(cw));
		lres = lone / lzero;
		__asm__ volatile("fwait");
		printf("%Lf\n", lres);
	}
	show("x87 divide by zero");
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	printf("  si_addr is the saved rip: %s; trapno %ld; masked again: %s\n",
	       last.si_addr == (void *)rip ? "yes" : "no", (long)trapno, cw & 4 ? "yes" : "no");

	/* ud2: SIGILL, ILL_ILLOPN; the handler skips it and sets RAX. */
	long rax;
	on(SIGILL, skip, 0);
	__asm__ volatile("lea 1f(%%rip), %%rax\n\t"
			 "mov %%rax, %1\n\t"
			 "xor %%eax, %%eax\n\t"
			 "ud2\n"
			 "1:"
			 : "=&a"(rax), "=m"(resume_at));
	show("ud2");
	printf("  si_addr is 2 bytes before the resume point: %s; rax after return %ld\n",
	       (uintptr_t)last.si_addr + 2 == resume_at ? "yes" : "no", rax);

	/* int3: SIGTRAP, SI_KERNEL, the saved RIP after the instruction. */
	uintptr_t after;
	resume_at = 0;
	on(SIGTRAP, skip, 0);
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "int3\n"
			 "1:"
			 : "=r"(after)
			 :
			 : "rax");
	show("int3");
	printf("  saved rip after int3: %s; trapno %ld\n", (uintptr_t)rip == after ? "yes" : "no",
	       (long)trapno);

	/* A stack overflow, caught on the alternate stack. */
	stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0};
	alt_lo = (uintptr_t)ss.ss_sp, alt_hi = alt_lo + ss.ss_size;
	sigaltstack(&ss, NULL);
	on(SIGSEGV, jump_out, SA_ONSTACK);
	if (sigsetjmp(env, 1) == 0)
		printf("%d\n", recurse(0));
	show("stack overflow");
	printf("  handler ran on the alternate stack: %s\n", on_alt ? "yes" : "no");

	/* SA_RESETHAND: the second fault takes the default action. Block it
	 * instead: Linux kills a process whose fault signal is blocked. */
	sigset_t segv;
	sigemptyset(&segv);
	sigaddset(&segv, SIGSEGV);
	sigprocmask(SIG_BLOCK, &segv, NULL);
	printf("faulting with SIGSEGV blocked\n");
	*null_ish = 2;
	printf("not reached\n");
	return 0;
}
