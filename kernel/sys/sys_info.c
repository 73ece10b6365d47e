/* System and process information: process ids, uname, randomness,
 * thread-pointer setup. */
#include "kerrno.h"
#include "kstring.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
#include "x86.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

static int set_base(uint64_t *slot, uint32_t msr, uint64_t addr)
{
	if (addr >= USER_TOP)
		return -EPERM; /* a kernel or non-canonical base */
	*slot = addr;
	wrmsr(msr, addr);
	return 0;
}

/* In the kernel the program's GS base waits in KERNEL_GS_BASE: the entry's
 * SWAPGS put it there and the exit's brings it back (percpu.h). Both bases
 * are read from the registers: the program may have changed them with
 * WRFSBASE or WRGSBASE (AT_HWCAP2). */
SYSCALL_DEFINE2(arch_prctl, int, code, uint64_t, addr)
{
	struct thread *t = current_thread();
	uint64_t base;

	switch (code) {
	case ARCH_SET_FS:
		return set_base(&t->fs_base, MSR_FS_BASE, addr);
	case ARCH_SET_GS:
		return set_base(&t->gs_base, MSR_KERNEL_GS_BASE, addr);
	case ARCH_GET_FS:
		base = rdmsr(MSR_FS_BASE);
		break;
	case ARCH_GET_GS:
		base = rdmsr(MSR_KERNEL_GS_BASE);
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user(addr, &base, sizeof base);
}

SYSCALL_DEFINE0(getpid)
{
	return current_proc()->pid;
}

SYSCALL_DEFINE0(gettid)
{
	return current_thread()->tid;
}

/* The program is the first and only process: its parent is "the kernel". */
SYSCALL_DEFINE0(getppid)
{
	return 0;
}

SYSCALL_DEFINE1(uname, uint64_t, buf)
{
	static const char *const fields[6] = {"Linux", "bareflow", "6.1.0-bareflow",
					      "#1 BareFlow unikernel", "x86_64", "(none)"};
	char uts[6][65];

	memset(uts, 0, sizeof uts);
	for (int i = 0; i < 6; i++)
		strlcpy(uts[i], fields[i], sizeof uts[i]);
	return copy_to_user(buf, uts, sizeof uts);
}

/* RDRAND when the CPU has it, else a TSC-seeded xorshift: not for keys, but
 * what glibc wants at start-up (malloc and stack-protector salts). */
SYSCALL_DEFINE3(getrandom, uint64_t, buf, size_t, len, unsigned int, flags)
{
	static uint64_t x;
	uint8_t chunk[64];

	if (flags & ~7ul)
		return -EINVAL;
	if (!x)
		x = rdtsc() | 1;
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			chunk[i] = (uint8_t)(x >> 24);
		}
		if (copy_to_user(buf + done, chunk, n))
			return done ? (int64_t)done : -EFAULT;
		done += n;
	}
	return (int64_t)len;
}

/* The execution domain: always Linux's, and no flag changes what the kernel
 * does (no address is randomized in the first place); the value is kept
 * and reported, as Linux's, for programs such as setarch. 0xffffffff only
 * asks. */
SYSCALL_DEFINE1(personality, unsigned int, persona)
{
	struct proc *p = current_proc();
	uint32_t old = p->personality;
	if (persona != 0xffffffffu)
		p->personality = persona;
	return old;
}
