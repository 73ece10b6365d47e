/* System call setup and dispatch, with the table built from syscalls.def
 * and numbered by Linux's header. */
#include <stdbool.h>

#include "asm/unistd_64.h" /* __NR_*, copied from linux-libc-dev by the build */

#include "console.h"
#include "fs.h"
#include "kerrno.h"
#include "kernel.h"
#include "ksignal.h"
#include "kstring.h"
#include "printf.h"
#include "segments.h"
#include "proc.h"
#include "sample.h"
#include "sched.h"
#include "syscall.h"
#include "task.h"
#include "x86.h"

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_SFMASK 0xc0000084u
#define NR_MAX 512

static const syscall_fn table[NR_MAX] = {
#define SYSCALL(name) [__NR_##name] = sys_##name,
#define SYSCALL_ALIAS(name, other) [__NR_##name] = sys_##other,
#include "syscalls.def"
#undef SYSCALL
#undef SYSCALL_ALIAS
};

/* Every Linux name, implemented or not, generated from the kernel headers. */
static const char *const names[NR_MAX] = {
#include "syscall_names.inc"
};

static uint8_t warned[NR_MAX / 8];

/* Numbers past the table each warn once too, but only this many distinct
 * ones: a program walking through 2^32 numbers must not fill the host's
 * disk through the kernel log. */
#define WARN_HIGH_MAX 16
static uint32_t warned_high[WARN_HIGH_MAX];
static unsigned nwarned_high;

const char *syscall_name(uint64_t nr) { return nr < NR_MAX && names[nr] ? names[nr] : "unknown"; }

void syscall_entry(void);
static bool tracing;

void syscall_init(void)
{
	tracing = cmdline_get(CONTRACT_WORD_STRACE, NULL, 0);
	syscall_cpu_init();
	syscall_ia32_init(); /* int $0x80 too, as Linux's IA32 emulation has it */
}

void syscall_cpu_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL loads CS and SS from STAR[47:32], SYSRET from STAR[63:48]
	 * (segments.h). */
	wrmsr(MSR_STAR, ((uint64_t)STAR_SYSRET_BASE << 48) | ((uint64_t)STAR_SYSCALL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	/* Clear IF, TF, DF, AC and NT on entry. */
	wrmsr(MSR_SFMASK, 0x47700);
}

bool syscall_tracing(void) { return tracing; }

struct trapframe *syscall_frame(void) { return current_thread()->frame; }

/* True the first time nr is seen; after WARN_HIGH_MAX distinct numbers
 * past the table, one last line says the rest go unreported. warned_high
 * stays sorted, for the report at exit. */
static bool first_warning(uint32_t nr)
{
	if (nr < NR_MAX) {
		bool first = !(warned[nr / 8] & (1u << (nr % 8)));
		warned[nr / 8] |= (uint8_t)(1u << (nr % 8));
		return first;
	}
	unsigned i = 0, n = nwarned_high < WARN_HIGH_MAX ? nwarned_high : WARN_HIGH_MAX;
	while (i < n && warned_high[i] < nr)
		i++;
	if (i < n && warned_high[i] == nr)
		return false;
	if (nwarned_high == WARN_HIGH_MAX) {
		kprintf("bareflow: further unknown system call numbers are not reported\n");
		nwarned_high++;
	}
	if (nwarned_high > WARN_HIGH_MAX)
		return false;
	memmove(&warned_high[i + 1], &warned_high[i], (nwarned_high - i) * sizeof warned_high[0]);
	warned_high[i] = nr;
	nwarned_high++;
	return true;
}

/* Append ", name (nr)" to the report line; false once it is full (a line,
 * not a page: the rest are in the kernel log). */
static bool report_one(char *line, size_t size, int *n, uint32_t nr)
{
	if (*n > (int)size - 40) {
		*n += ksnprintf(line + *n, size - (size_t)*n, ", ...");
		return false;
	}
	*n += ksnprintf(line + *n, size - (size_t)*n, "%s%s (%u)", *n ? ", " : "",
			syscall_name(nr), nr);
	return true;
}

void syscall_report_unimplemented(void)
{
	char line[512];
	int n = 0;
	bool room = true;

	for (uint32_t nr = 0; nr < NR_MAX && room; nr++)
		if (warned[nr / 8] & (1u << (nr % 8)))
			room = report_one(line, sizeof line, &n, nr);
	for (unsigned i = 0; i < nwarned_high && i < WARN_HIGH_MAX && room; i++)
		room = report_one(line, sizeof line, &n, warned_high[i]);
	if (room && nwarned_high > WARN_HIGH_MAX)
		n += ksnprintf(line + n, sizeof line - (size_t)n, ", ...");
	if (n)
		kreport("bareflow: the program called unimplemented system calls: %s\n", line);
	memset(warned, 0, sizeof warned);
	nwarned_high = 0;
}

/* Log a number with no handler (the caller returns -ENOSYS). */
static void unimplemented(uint32_t nr, const struct trapframe *tf)
{
	if (tracing)
		kreport("[strace] %s(%#lx, %#lx, %#lx, ...) = -ENOSYS\n", syscall_name(nr), tf->rdi,
			tf->rsi, tf->rdx);
	if (first_warning(nr))
		kprintf("bareflow: system call %s (%u) is not implemented; returning -ENOSYS\n",
			syscall_name(nr), nr);
}

/* Nothing can be mapped in the last page below 2^47 (TASK_SIZE), so a
 * system call instruction never ends there; were it to, returning to the
 * non-canonical RIP after it would fault in ring 0. */
static void check_return(struct trapframe *tf)
{
	if (tf->rip >= TASK_SIZE)
		proc_killed(tf, SIGSEGV, "system call return past the user address space", "", true);
}

int syscall_call(struct trapframe *tf, syscall_fn fn, const uint64_t a[6])
{
	struct thread *t = current_thread();

	t->frame = tf;
	shmap_sync_all(); /* what the program wrote through shared mappings */
	if (fn) {
		tf->rax = (uint64_t)fn(a[0], a[1], a[2], a[3], a[4], a[5]);
		if (tracing)
			kreport(" = %ld\n", (long)tf->rax);
	} else {
		tf->rax = (uint64_t)-ENOSYS;
	}
	if (vma_out_of_memory()) /* a user copy found no page to back */
		proc_out_of_memory(tf);
	if (t->killed) /* another thread ended the process */
		proc_exit(0);
	bool restart = tf->rax == (uint64_t)-ERESTARTSYS || tf->rax == (uint64_t)-ERESTARTNOINTR;
	int full = t->sig.attention || restart ? signal_return_to_user(tf, true) : 0;
	check_return(tf);
	sample_syscall_done((void *)fn);
	t->frame = NULL;
	kernel_unlock();
	sched_preempt(); /* its slice is over and another thread waits */
	if (t->killed || t->sig.attention) { /* what came meanwhile */
		kernel_lock();
		if (t->killed)
			proc_exit(0);
		t->frame = tf;
		full |= signal_return_to_user(tf, false);
		check_return(tf);
		t->frame = NULL;
		kernel_unlock();
	}
	return full;
}

/* Called by syscall_entry with the saved registers; the result goes in RAX.
 * Returns nonzero when every register of tf must be restored (IRETQ): a
 * signal handler is entered, or rt_sigreturn rewrote the frame. */
int syscall_dispatch(struct trapframe *tf);
int syscall_dispatch(struct trapframe *tf)
{
	/* Linux's x86-64 entry takes the number as an int: the high half of
	 * RAX is ignored (0x100000027 is getpid). */
	uint32_t nr = (uint32_t)tf->vector;
	syscall_fn fn = nr < NR_MAX ? table[nr] : 0;
	/* The fourth argument arrives in R10: SYSCALL overwrote RCX. */
	const uint64_t a[6] = {tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9};

	kernel_lock(); /* until the way back to ring 3 (sched.h) */
	if (!fn)
		unimplemented(nr, tf);
	else if (tracing) /* before the call: exit does not come back */
		kreport("[strace] %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)%s", syscall_name(nr), a[0],
			a[1], a[2], a[3], a[4], a[5],
			fn == sys_exit || fn == sys_exit_group ? " = ?\n" : "");
	return syscall_call(tf, fn, a);
}
