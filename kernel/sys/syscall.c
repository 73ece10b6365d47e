/* System call setup and dispatch, with the table built from syscalls.def. */
#include <stdbool.h>

#include "console.h"
#include "fs.h"
#include "kerrno.h"
#include "kernel.h"
#include "ksignal.h"
#include "kstring.h"
#include "printf.h"
#include "proc.h"
#include "syscall.h"
#include "x86.h"

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_SFMASK 0xc0000084u
#define NR_MAX 512

static const syscall_fn table[NR_MAX] = {
#define SYSCALL(nr, name, fn) [nr] = fn,
#include "syscalls.def"
#undef SYSCALL
};

/* Every Linux name, implemented or not, generated from the kernel headers. */
static const char *const names[NR_MAX] = {
#include "syscall_names.inc"
};

static uint8_t warned[NR_MAX / 8];

const char *syscall_name(uint64_t nr) { return nr < NR_MAX && names[nr] ? names[nr] : "unknown"; }

void syscall_entry(void);
static bool tracing;

void syscall_init(void)
{
	tracing = cmdline_get("strace", NULL, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL loads CS=0x08, SS=0x10; SYSRET loads CS=0x18+16, SS=0x18+8 (gdt.c). */
	wrmsr(MSR_STAR, (0x18ull << 48) | (0x08ull << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	/* Clear IF, TF, DF, AC and NT on entry. */
	wrmsr(MSR_SFMASK, 0x47700);
	syscall_ia32_init(); /* int $0x80 too, as Linux's IA32 emulation has it */
}

bool syscall_tracing(void) { return tracing; }

static struct trapframe *frame;
struct trapframe *syscall_frame(void) { return frame; }

void syscall_report_unimplemented(void)
{
	char line[512];
	int n = 0;

	for (uint64_t nr = 0; nr < NR_MAX; nr++) {
		if (!(warned[nr / 8] & (1u << (nr % 8))))
			continue;
		if (n > (int)sizeof line - 40) { /* a line, not a page: the rest are in the log */
			n += ksnprintf(line + n, sizeof line - (size_t)n, ", ...");
			break;
		}
		n += ksnprintf(line + n, sizeof line - (size_t)n, "%s%s (%lu)", n ? ", " : "",
			       syscall_name(nr), nr);
	}
	if (n)
		kreport("bareflow: the program called unimplemented system calls: %s\n", line);
	memset(warned, 0, sizeof warned);
}

static void unimplemented(uint64_t nr, struct trapframe *tf)
{
	if (tracing)
		kreport("[strace] %s(%#lx, %#lx, %#lx, ...) = -ENOSYS\n", syscall_name(nr), tf->rdi,
			tf->rsi, tf->rdx);
	if (nr >= NR_MAX || !(warned[nr / 8] & (1u << (nr % 8)))) {
		kprintf("bareflow: system call %s (%lu) is not implemented; returning -ENOSYS\n",
			syscall_name(nr), nr);
		if (nr < NR_MAX)
			warned[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
	tf->rax = (uint64_t)-ENOSYS;
}

void syscall_call(struct trapframe *tf, syscall_fn fn, const uint64_t a[6])
{
	frame = tf;
	shmap_sync_all();
	tf->rax = (uint64_t)fn(a[0], a[1], a[2], a[3], a[4], a[5]);
	if (tracing)
		kreport(" = %ld\n", (long)tf->rax);
	if (signal_attention)
		signal_return_to_user(tf); /* the trap path restores every register anyway */
	frame = NULL;
}

/* Called by syscall_entry with the saved registers; the result goes in RAX.
 * Returns nonzero when every register of tf must be restored (IRETQ): a
 * signal handler is entered, or rt_sigreturn rewrote the frame. */
int syscall_dispatch(struct trapframe *tf);
int syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->vector;
	syscall_fn fn = nr < NR_MAX ? table[nr] : 0;

	frame = tf;
	shmap_sync_all(); /* what the program wrote through shared mappings */
	if (!fn) {
		unimplemented(nr, tf);
	} else {
		/* The fourth argument arrives in R10: SYSCALL overwrote RCX. */
		if (tracing) /* before the call: exit does not come back */
			kreport("[strace] %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)%s",
				syscall_name(nr), tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8,
				tf->r9,
				fn == sys_exit || fn == sys_exit_group ? " = ?\n" : "");
		tf->rax = (uint64_t)fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
		if (tracing)
			kreport(" = %ld\n", (long)tf->rax);
	}
	int full = signal_attention ? signal_return_to_user(tf) : 0;
	frame = NULL;
	return full;
}
