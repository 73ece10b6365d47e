/*
 * Seeded syscall fuzzer, run only under bareflow (never natively: random
 * system calls would damage the host). 100,000 calls with random numbers and
 * hostile arguments: NULL, kernel addresses, non-canonical addresses, huge
 * sizes, pointers into a scratch buffer. The kernel must answer every one
 * with a result or an error: no panic, no hang, no leak (the kernel checks
 * that every page is free again after the program exits).
 * Calls that would legitimately end or cripple the fuzzer itself (exit,
 * unmapping or re-protecting its own memory, replacing its thread pointer,
 * long sleeps, returning from a signal that never came, message-queue
 * and semaphore waits, notification signals, shmat over its own memory)
 * are skipped; with
 * MAP_FIXED removed, mmap is allowed. Some are tamed instead: madvise and
 * mremap only ever reach the scratch region or memory that is not ours,
 * futex never waits (one thread: nothing would wake it), the kill and
 * sigqueue families only send signal 0 (a handler installed by a random
 * rt_sigaction would jump anywhere), and timers are never armed (their
 * signal would come later). Pipes and sockets are made non-blocking (one
 * thread: a write to a full pipe that only we read would wait for ever;
 * accept is accept4 with SOCK_NONBLOCK; mknod makes no named pipe), and
 * SIGPIPE
 * stays ignored. RLIMIT_CPU is never set (its SIGXCPU would end the run).
 *
 * Arguments: calls per thread, seed, and threads (1 unless given): with
 * more, that many threads fuzz at once, thread i with seed + i, while the
 * first thread waits for them; the report counts every thread's calls and
 * the CPUs they were seen on.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread uint64_t state; /* each thread's own sequence */

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* The only memory the kernel may be pointed at: a 64 KiB region between two
 * unmapped pages, so a huge length runs into a hole, not into our own data. */
#define SCRATCH_SIZE (1 << 16)
static char *scratch;

static uint64_t hostile_arg(void)
{
	switch (rnd() % 10) {
	case 0: return 0;
	case 1: return rnd() % 64;
	case 2: return (uint64_t)-1;
	case 3: return 0xffffffff80100000ull;               /* kernel text */
	case 4: return 0xffff800000000000ull + (rnd() % (1ull << 32)); /* direct map */
	case 5: return 0x0000800000000000ull + rnd() % 4096;  /* non-canonical */
	case 6: return (uint64_t)scratch + rnd() % SCRATCH_SIZE;
	case 7: return rnd();
	case 8: return 1ull << (rnd() % 64);
	default: return (uint64_t)scratch;
	}
}

static int forbidden(long nr)
{
	switch (nr) {
	case SYS_exit: case SYS_exit_group: case SYS_munmap: case SYS_mprotect: case SYS_brk:
	case SYS_arch_prctl: case SYS_nanosleep: case SYS_clock_nanosleep:
	case SYS_rt_sigreturn: case SYS_pause:
	case SYS_execve: case SYS_execveat: case SYS_fork: case SYS_vfork: case SYS_clone:
	case SYS_clone3: case SYS_munlock: case SYS_select: case SYS_pselect6:
	case SYS_poll: case SYS_ppoll: case SYS_read:
	case SYS_readv: case SYS_pread64: case SYS_preadv: case SYS_wait4: case SYS_eventfd:
	case SYS_waitid: case SYS_rt_sigsuspend: case SYS_rt_sigtimedwait: case SYS_reboot:
	case SYS_set_tid_address: case SYS_shmdt: case SYS_seccomp: case SYS_prctl:
	case SYS_mq_timedsend: case SYS_mq_timedreceive: case SYS_mq_notify:
	case SYS_msgsnd: case SYS_msgrcv: case SYS_semop: case SYS_semtimedop: case SYS_shmat:
		return 1;
	default:
		return 0;
	}
}

/* An address madvise or mremap may act on: in the scratch region, too low
 * to be anything, or not a user address at all. Others become scratch
 * addresses, and a length reaching past the scratch region is cut short:
 * madvise(MADV_DONTNEED) over our own stack or code would zero it. */
static void tame_range(uint64_t *addr, uint64_t *len)
{
	uint64_t lo = (uint64_t)scratch, hi = lo + SCRATCH_SIZE;

	if (*addr >= 0x0000800000000000ull)
		return;
	if (*addr < 0x10000) {
		lo = 0;
		hi = 0x10000;
	} else if (*addr < lo || *addr >= hi) {
		*addr = lo + rnd() % SCRATCH_SIZE;
	}
	if (*len < 0x0000800000000000ull && *len > hi - *addr) /* longer ones fail as a whole */
		*len %= hi - *addr + 1;
}

static const struct timespec no_time;

/* futex operations that would wait (for ever, or for a random timeout). */
static int futex_blocks(uint64_t op)
{
	int cmd = (int)(op & 127);
	return cmd == 0 || cmd == 6 || cmd == 9 || cmd == 11 || cmd == 13; /* WAIT, LOCK_PI... */
}

static void tame(long nr, uint64_t a[6])
{
	switch (nr) {
	case SYS_madvise:
		tame_range(&a[0], &a[1]);
		break;
	case SYS_mremap:
		tame_range(&a[0], &a[1]);
		if (a[3] & 2) /* MREMAP_FIXED replaces whatever is at new_address */
			tame_range(&a[4], &a[2]);
		break;
	case SYS_futex:
		if (futex_blocks(a[1]))
			a[1] = (a[1] & ~127ull) | 1; /* FUTEX_WAKE */
		break;
	case SYS_kill: case SYS_tkill:
		a[1] = 0;
		break;
	case SYS_flock: /* two opens of one file would wait for each other */
		a[1] |= 4; /* LOCK_NB */
		break;
	case SYS_epoll_wait: case SYS_epoll_pwait: /* waits only as long as its timeout */
		a[3] = 0;
		break;
	case SYS_epoll_pwait2:
		a[3] = (uint64_t)&no_time;
		break;
	case SYS_vmsplice: /* out of a pipe it waits whatever the pipe's O_NONBLOCK */
		a[3] |= 2; /* SPLICE_F_NONBLOCK */
		break;
	case 449: /* futex_waitv: its timeout is absolute, and 0 has passed */
		a[3] = (uint64_t)&no_time;
		break;
	case SYS_eventfd2: /* a write past its count or a read at 0 would wait */
		a[1] |= 04000; /* EFD_NONBLOCK */
		break;
	case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
		a[2] = 0;
		break;
	case SYS_rt_sigqueueinfo:
		a[1] = 0;
		break;
	case SYS_alarm: /* no timer armed: its signal would end the fuzzer */
		a[0] = 0;
		break;
	case SYS_setitimer:
		a[1] = 0;
		break;
	case SYS_timer_settime:
		a[2] = 0;
		break;
	case SYS_pipe2:
		a[1] |= O_NONBLOCK;
		break;
	case SYS_socket: case SYS_socketpair: /* as pipes: a receive would wait */
		a[1] |= O_NONBLOCK;
		break;
	case SYS_accept4:
		a[3] |= O_NONBLOCK;
		break;
	case SYS_mknod: /* no named pipe: a later open of it would wait */
		a[1] &= ~0170000ull;
		break;
	case SYS_mknodat:
		a[2] &= ~0170000ull;
		break;
	case SYS_fcntl:
		if ((int)a[1] == F_SETFL)
			a[2] |= O_NONBLOCK; /* no pipe of ours may block again */
		break;
	case SYS_rt_sigaction:
		if ((int)a[0] == SIGPIPE)
			a[1] = 0; /* look, do not touch */
		break;
	case SYS_setrlimit:
		if ((uint32_t)a[0] == RLIMIT_CPU)
			a[1] = 0;
		break;
	case SYS_prlimit64:
		if ((uint32_t)a[1] == RLIMIT_CPU)
			a[2] = 0; /* read it only */
		break;
	}
}

/* Whether a file-descriptor argument names fd 0, 1 or 2: the kernel reads
 * an fd as an int, so only the low 32 bits count (0x800000000001 is 1). */
static int standard_fd(uint64_t fd)
{
	return (uint32_t)fd < 3;
}

struct fuzzer {
	pthread_t thread;
	uint64_t seed;
	long calls, errors;
	uint64_t cpus; /* bit n: seen on CPU n */
};

/* Make f->calls random system calls from f->seed. */
static void *fuzz(void *arg)
{
	struct fuzzer *f = arg;
	long done = 0;

	state = f->seed;
	while (done < f->calls) {
		long nr = (long)(rnd() % 460);
		if (forbidden(nr))
			continue;
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = hostile_arg();
		if (nr == SYS_mmap)
			a[3] &= ~0x10ull & ~0x100000ull; /* no MAP_FIXED(_NOREPLACE) over ourselves */
		/* The standard streams stay ours: calls aimed at fds 0-2 (as the
		 * first argument, or as dup2's target) go to fd 99 instead. */
		if (standard_fd(a[0]))
			a[0] = 99;
		if ((nr == SYS_dup2 || nr == SYS_dup3) && standard_fd(a[1]))
			a[1] = 99;
		if (nr == SYS_pipe) /* as pipe2, non-blocking (tame) */
			nr = SYS_pipe2, a[1] = 0;
		if (nr == SYS_accept) /* as accept4, non-blocking (tame) */
			nr = SYS_accept4, a[3] = 0;
		tame(nr, a);
		long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		f->errors += r == -1;
		if (++done % 1024 == 0) {
			int cpu = sched_getcpu();
			if (cpu >= 0 && cpu < 64)
				f->cpus |= 1ull << cpu;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static struct fuzzer f[8];
	long calls = argc > 1 ? atol(argv[1]) : 100000, done = 0, errors = 0;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eedf00dull, cpus = 0;
	int threads = argc > 3 ? atoi(argv[3]) : 1;

	if (threads < 1 || threads > 8)
		return 2;
	char *region = mmap(NULL, SCRATCH_SIZE + 2 * 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || munmap(region, 4096) ||
	    munmap(region + 4096 + SCRATCH_SIZE, 4096))
		return 1;
	scratch = region + 4096;
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < threads; i++)
		f[i] = (struct fuzzer){.seed = seed + (uint64_t)i, .calls = calls};
	if (threads == 1) {
		fuzz(&f[0]);
	} else {
		for (int i = 0; i < threads; i++)
			if (pthread_create(&f[i].thread, NULL, fuzz, &f[i]))
				return 3;
		for (int i = 0; i < threads; i++)
			pthread_join(f[i].thread, NULL);
	}
	for (int i = 0; i < threads; i++) {
		done += f[i].calls;
		errors += f[i].errors;
		cpus |= f[i].cpus;
	}
	printf("fuzz: %ld system calls made, %ld returned errors; the kernel survived\n", done, errors);
	if (threads > 1)
		printf("fuzz: %d threads, seen on %d CPUs\n", threads, __builtin_popcountll(cpus));
	return 0;
}
