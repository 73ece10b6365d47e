/* Hostile pointers to every system call that takes one: each must fail with
 * EFAULT (or what Linux returns first) and never crash or hang the kernel,
 * nor let it write where the program could not. Raw syscall() throughout, so
 * libc cannot check or substitute anything.
 *
 * Pointer kinds: (void *)1; a page that was unmapped; the start of the
 * kernel half; where the kernel image sits; a non-canonical address; for
 * outputs, a read-only page; and for fixed-size inputs/outputs and path
 * strings, an object that starts 4 bytes before an unmapped page. */
#include "edge.h"
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define ARCH_GET_FS 0x1003

enum { IN = 1, OUT = 2, OBJ = 4 }; /* OBJ: fixed-size struct or a path string */

static char tmpdir[] = "/tmp/bfedgeXXXXXX";
static char file_path[64], victim_path[64];
static int file_fd = -1, dir_fd = -1;
static unsigned char *readonly_page, *straddle_base;

/* Every case is one expression of p, the pointer under test. */
#define POINTER_CASES(X)                                                                           \
	X(read_buf, OUT, syscall(SYS_read, 0, p, 16))                                              \
	X(write_buf, IN, syscall(SYS_write, 1, p, 16))                                             \
	X(readv_iov, IN | OBJ, syscall(SYS_readv, 0, p, 2))                                        \
	X(readv_base, OUT, readv_one(0, p))                                                        \
	X(writev_iov, IN | OBJ, syscall(SYS_writev, 1, p, 2))                                      \
	X(writev_base, IN, writev_one(1, p))                                                       \
	X(pread64_buf, OUT, syscall(SYS_pread64, file_fd, p, 16, 0))                               \
	X(pwrite64_buf, IN, syscall(SYS_pwrite64, file_fd, p, 16, 0))                              \
	X(open_path, IN | OBJ, syscall(SYS_open, p, O_RDONLY))                                     \
	X(openat_path, IN | OBJ, syscall(SYS_openat, AT_FDCWD, p, O_RDONLY))                       \
	X(stat_path, IN | OBJ, syscall(SYS_stat, p, &st))                                          \
	X(stat_buf, OUT | OBJ, syscall(SYS_stat, "/", p))                                          \
	X(lstat_path, IN | OBJ, syscall(SYS_lstat, p, &st))                                        \
	X(lstat_buf, OUT | OBJ, syscall(SYS_lstat, "/", p))                                        \
	X(fstat_buf, OUT | OBJ, syscall(SYS_fstat, 1, p))                                          \
	X(newfstatat_path, IN | OBJ, syscall(SYS_newfstatat, AT_FDCWD, p, &st, 0))                 \
	X(newfstatat_buf, OUT | OBJ, syscall(SYS_newfstatat, AT_FDCWD, "/", p, 0))                 \
	X(statx_path, IN | OBJ, syscall(SYS_statx, AT_FDCWD, p, 0, STATX_BASIC_STATS, &stx))       \
	X(statx_buf, OUT | OBJ, syscall(SYS_statx, AT_FDCWD, "/", 0, STATX_BASIC_STATS, p))        \
	X(getdents64_buf, OUT, getdents_at_start(p))                                               \
	X(access_path, IN | OBJ, syscall(SYS_access, p, F_OK))                                     \
	X(faccessat_path, IN | OBJ, syscall(SYS_faccessat, AT_FDCWD, p, F_OK))                     \
	X(readlink_path, IN | OBJ, syscall(SYS_readlink, p, buf, sizeof buf))                      \
	X(readlink_buf, OUT | OBJ, syscall(SYS_readlink, "/proc/self/exe", p, 64))                 \
	X(readlinkat_path, IN | OBJ, syscall(SYS_readlinkat, AT_FDCWD, p, buf, sizeof buf))        \
	X(readlinkat_buf, OUT | OBJ, syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", p, 64))   \
	X(getcwd_buf, OUT | OBJ, syscall(SYS_getcwd, p, 4096))                                     \
	X(chdir_path, IN | OBJ, syscall(SYS_chdir, p))                                             \
	X(mkdir_path, IN | OBJ, syscall(SYS_mkdir, p, 0700))                                       \
	X(unlink_path, IN | OBJ, syscall(SYS_unlink, p))                                           \
	X(unlinkat_path, IN | OBJ, syscall(SYS_unlinkat, AT_FDCWD, p, 0))                          \
	X(rename_old, IN | OBJ, syscall(SYS_rename, p, victim_path))                               \
	X(rename_new, IN | OBJ, syscall(SYS_rename, victim_path, p))                               \
	X(pipe_fds, OUT | OBJ, syscall(SYS_pipe, p))                                               \
	X(pipe2_fds, OUT | OBJ, syscall(SYS_pipe2, p, 0))                                          \
	X(uname_buf, OUT | OBJ, syscall(SYS_uname, p))                                             \
	X(gettimeofday_tv, OUT | OBJ, syscall(SYS_gettimeofday, p, NULL))                          \
	X(gettimeofday_tz, OUT | OBJ, syscall(SYS_gettimeofday, NULL, p))                          \
	X(clock_gettime_ts, OUT | OBJ, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p))             \
	X(clock_getres_ts, OUT | OBJ, syscall(SYS_clock_getres, CLOCK_MONOTONIC, p))               \
	X(nanosleep_req, IN | OBJ, syscall(SYS_nanosleep, p, NULL))                                \
	X(clock_nanosleep_req, IN | OBJ,                                                           \
	  syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, p, NULL))                               \
	X(getrandom_buf, OUT, syscall(SYS_getrandom, p, 16, 0))                                    \
	X(sysinfo_buf, OUT | OBJ, syscall(SYS_sysinfo, p))                                         \
	X(times_buf, OUT | OBJ, syscall(SYS_times, p))                                             \
	X(getrusage_buf, OUT | OBJ, syscall(SYS_getrusage, RUSAGE_SELF, p))                        \
	X(prlimit64_new, IN | OBJ, syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, p, NULL))              \
	X(prlimit64_old, OUT | OBJ, syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, p))             \
	X(getrlimit_buf, OUT | OBJ, syscall(SYS_getrlimit, RLIMIT_NOFILE, p))                      \
	X(setrlimit_buf, IN | OBJ, syscall(SYS_setrlimit, RLIMIT_NOFILE, p))                       \
	X(sched_getaffinity_mask, OUT | OBJ, syscall(SYS_sched_getaffinity, 0, 128, p))            \
	X(rt_sigaction_act, IN | OBJ, syscall(SYS_rt_sigaction, SIGUSR1, p, NULL, 8))              \
	X(rt_sigaction_old, OUT | OBJ, syscall(SYS_rt_sigaction, SIGUSR1, NULL, p, 8))             \
	X(rt_sigprocmask_set, IN | OBJ, syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, 8))        \
	X(rt_sigprocmask_old, OUT | OBJ, syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, p, 8))       \
	X(sigaltstack_new, IN | OBJ, syscall(SYS_sigaltstack, p, NULL))                            \
	X(sigaltstack_old, OUT | OBJ, syscall(SYS_sigaltstack, NULL, p))                           \
	X(futex_wait, IN, syscall(SYS_futex, p, FUTEX_WAIT_PRIVATE, 12345, NULL, NULL, 0))         \
	X(futex_wake_shared, IN, syscall(SYS_futex, p, FUTEX_WAKE, 1, NULL, NULL, 0))              \
	X(arch_prctl_get_fs, OUT | OBJ, syscall(SYS_arch_prctl, ARCH_GET_FS, p))

static struct stat st;
static struct statx stx;
static char buf[256];

static long readv_one(int fd, void *p)
{
	struct iovec v = {p, 16};
	return syscall(SYS_readv, fd, &v, 1);
}

static long writev_one(int fd, void *p)
{
	struct iovec v = {p, 16};
	return syscall(SYS_writev, fd, &v, 1);
}

static long getdents_at_start(void *p)
{
	lseek(dir_fd, 0, SEEK_SET);
	return syscall(SYS_getdents64, dir_fd, p, 4096);
}

#define DEFINE_CALL(name, flags, expr)                                                             \
	static long call_##name(void *p)                                                           \
	{                                                                                          \
		return (long)(expr);                                                               \
	}
POINTER_CASES(DEFINE_CALL)

struct pointer_case {
	const char *name;
	int flags;
	long (*call)(void *p);
};

#define TABLE_ENTRY(name, flags, expr) {#name, flags, call_##name},
static const struct pointer_case cases[] = {POINTER_CASES(TABLE_ENTRY)};

/* What Linux returns instead of EFAULT for a case and pointer kind. */
static int linux_errno(const char *name, const char *kind)
{
	/* A futex word must be 4-byte aligned; that is checked first. */
	if (!strncmp(name, "futex", 5) && !strcmp(kind, "low"))
		return EINVAL;
	return EFAULT;
}

static void setup(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("FAIL setup: mkdtemp: %s (the file cases will fail too)\n",
		       edge_errname(errno));
		edge_failed++;
	}
	snprintf(file_path, sizeof file_path, "%s/file", tmpdir);
	snprintf(victim_path, sizeof victim_path, "%s/victim", tmpdir);
	file_fd = open(file_path, O_CREAT | O_RDWR, 0600);
	if (file_fd >= 0)
		write(file_fd, "0123456789abcdefghijklmnopqrstuvwxyz", 36);
	close(open(victim_path, O_CREAT | O_WRONLY, 0600));
	dir_fd = open(tmpdir, O_RDONLY | O_DIRECTORY);

	readonly_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Two pages, the second unmapped: objects start 4 bytes before it,
	 * and the first is filled with 'a', a path with no end before the hole. */
	straddle_base =
	    mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(straddle_base + PAGE, PAGE);
}

int main(void)
{
	setup();
	void *unmapped =
	    mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped, PAGE);
	const struct {
		const char *name;
		void *p;
		int only; /* 0: every case; else the flag a case needs */
	} kinds[] = {
	    {"low", (void *)1, 0},
	    {"unmapped", unmapped, 0},
	    {"kernel-half", (void *)0xffff800000000000ul, 0},
	    {"kernel-image", (void *)0xffffffff80000000ul, 0},
	    {"noncanonical", (void *)0x0000800000000000ul, 0},
	    {"readonly", readonly_page, OUT},
	    {"straddle", straddle_base + PAGE - 4, OBJ},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			if (kinds[k].only && !(cases[i].flags & kinds[k].only))
				continue;
			/* Linux writes up to the fault: lay the unended path again. */
			memset(straddle_base, 'a', PAGE);
			char name[96];
			snprintf(name, sizeof name, "%s/%s", cases[i].name, kinds[k].name);
			EXPECT_ERRNO(name, cases[i].call(kinds[k].p),
				     linux_errno(cases[i].name, kinds[k].name));
		}
	}

	int untouched = 1;
	for (int i = 0; i < PAGE; i++)
		untouched &= readonly_page[i] == 0;
	edge_check("readonly page still all zero", untouched,
		   "the kernel wrote into a read-only page");
	struct utsname_like {
		char f[6][65];
	} u;
	edge_check("uname still works", syscall(SYS_uname, &u) == 0, "%s", edge_errname(errno));

	unlink(file_path);
	unlink(victim_path);
	rmdir(tmpdir);

	/* set_tid_address never faults: it only records the pointer, and
	 * returns the caller's thread id. The kernel writes 0 there at exit,
	 * where Linux ignores a bad pointer; so must bareflow. */
	long tid = syscall(SYS_gettid);
	long r = syscall(SYS_set_tid_address, (void *)0xffff800000000000ul);
	edge_check("set_tid_address with a kernel pointer returns the tid", r == tid,
		   "returned %ld (%s), tid %ld", r, edge_errname(errno), tid);
	r = syscall(SYS_set_tid_address, unmapped);
	edge_check("set_tid_address with an unmapped pointer returns the tid", r == tid,
		   "returned %ld (%s), tid %ld", r, edge_errname(errno), tid);
	edge_exit();
}
