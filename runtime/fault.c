/*
 * The hosted fault report: on Linux, a program that faults in JIT code
 * would die with nothing but the signal's name. The runtime's handler
 * names the code (codemap.h) and walks the frame-pointer chain, then lets
 * the signal kill the process as it would have. Under BareFlow the kernel
 * reports faults itself, reading the same map (kernel/include/jitmap.h).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <ucontext.h>
#include <unistd.h>

#include "codemap.h"
#include "fault.h"
#include "runtime.h"

/* Copy len bytes at addr without faulting: false if they cannot be read. */
static bool peek(uint64_t addr, void *out, size_t len)
{
	struct iovec local = {out, len}, remote = {(void *)(uintptr_t)addr, len};
	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!write(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void frame(int depth, uint64_t pc)
{
	uint64_t off;
	const char *name = codemap_lookup(pc, &off);
	if (name)
		say("  #%-2d %016lx %s+0x%lx\n", depth, (unsigned long)pc, name,
		    (unsigned long)off);
	else
		say("  #%-2d %016lx ?\n", depth, (unsigned long)pc);
}

/* The stack words that point into the JIT's code, marked "?" since a stale
 * word looks the same as a return address. */
static void scan_stack(uint64_t rsp)
{
	uint64_t word, off;
	int shown = 0;
	for (unsigned i = 0; i < 4096 && shown < 16; i++) {
		if (!peek(rsp + 8 * i, &word, sizeof word))
			return;
		const char *name = codemap_lookup(word - 1, &off);
		if (name) {
			say("  ?   %016lx %s+0x%lx\n", (unsigned long)(word - 1), name,
			    (unsigned long)off);
			shown++;
		}
	}
}

static void crashed(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	uint64_t rbp = (uint64_t)uc->uc_mcontext.gregs[REG_RBP];
	uint64_t rsp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP], off;
	const char *name = codemap_lookup(rip, &off);

	say("\nProgram killed by SIG%s at %016lx", sigabbrev_np(sig), (unsigned long)rip);
	if (name)
		say(" in %s+0x%lx", name, (unsigned long)off);
	if (sig == SIGSEGV || sig == SIGBUS)
		say(", fault address %016lx", (unsigned long)(uintptr_t)si->si_addr);
	say("\n  RIP %016lx  RSP %016lx  RBP %016lx\nBacktrace:\n", (unsigned long)rip,
	    (unsigned long)rsp, (unsigned long)rbp);
	frame(0, rip);
	int depth = 1;
	for (; depth < 32 && rbp >= rsp && !(rbp & 7); depth++) {
		uint64_t f[2];
		if (!peek(rbp, f, sizeof f) || !f[1])
			break;
		frame(depth, f[1] - 1);
		if (f[0] <= rbp)
			break;
		rbp = f[0];
	}
	if (depth == 1 || name) /* JIT code keeps no frame pointer: guess from the stack */
		scan_stack(rsp);
	/* The handler is reset (SA_RESETHAND): the signal, raised again or
	 * repeated by the faulting instruction, ends the process as before. */
	raise(sig);
}

bool rt_on_bareflow(void)
{
	static atomic_int known; /* 0: not yet; 1: BareFlow's kernel; 2: another */
	int k = atomic_load_explicit(&known, memory_order_relaxed);
	if (!k) {
		struct utsname u;
		k = uname(&u) == 0 && strstr(u.version, "BareFlow") ? 1 : 2;
		atomic_store_explicit(&known, k, memory_order_relaxed);
	}
	return k == 1;
}

void fault_report_init(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
	const size_t size = 1 << 16;

	if (rt_on_bareflow())
		return; /* the kernel reports faults */
	/* mapped, not in .bss: BareFlow's loader would count it for nothing */
	void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		return;
	stack_t ss = {.ss_sp = stack, .ss_size = size};
	struct sigaction sa = {.sa_sigaction = crashed,
			       .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER};
	sigaltstack(&ss, NULL);
	for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
		sigaction(sigs[k], &sa, NULL);
}
