/* Scheduling (affinity, yield, policy and priorities) and resource limits
 * (getrlimit, setrlimit, prlimit64, raw and through glibc). Limits are
 * inherited from whoever started us, so only relations and values we set
 * ourselves are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static const char *res(long r)
{
	if (r >= 0)
		return r == 0 ? "0" : "positive";
	switch (errno) {
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case ESRCH:
		return "ESRCH";
	case EPERM:
		return "EPERM";
	default:
		return "other";
	}
}

static void affinity(void)
{
	cpu_set_t set, none;
	unsigned char raw[128];

	printf("sched_getaffinity: %s, CPU 0 in it: ", res(sched_getaffinity(0, sizeof set, &set)));
	printf("%s\n", yes(CPU_ISSET(0, &set)));
	long n = syscall(SYS_sched_getaffinity, 0, sizeof raw, raw);
	printf("raw call returns a whole number of longs: %s\n",
	       yes(n >= 8 && n <= (long)sizeof raw && n % 8 == 0));
	printf("raw, length 4: %s\n", res(syscall(SYS_sched_getaffinity, 0, 4, raw)));
	printf("raw, length 12: %s\n", res(syscall(SYS_sched_getaffinity, 0, 12, raw)));
	printf("raw, bad buffer: %s\n",
	       res(syscall(SYS_sched_getaffinity, 0, sizeof raw, (void *)8)));
	printf("another process: %s\n", res(sched_getaffinity(99999999, sizeof set, &set)));
	printf("our own pid: %s\n", res(sched_getaffinity(getpid(), sizeof set, &set)));
	printf("sched_setaffinity to the mask we have: %s\n",
	       res(sched_setaffinity(0, sizeof set, &set)));
	CPU_ZERO(&none);
	printf("sched_setaffinity, empty mask: %s\n",
	       res(sched_setaffinity(0, sizeof none, &none)));
	CPU_SET(1023, &none);
	printf("sched_setaffinity, only CPU 1023: %s\n",
	       res(sched_setaffinity(0, sizeof none, &none)));
	printf("sched_setaffinity, bad buffer: %s\n",
	       res(syscall(SYS_sched_setaffinity, 0, 8, (void *)8)));
	printf("sched_setaffinity, another process: %s\n",
	       res(sched_setaffinity(99999999, sizeof set, &set)));
}

static void scheduler(void)
{
	struct sched_param sp = {.sched_priority = 42};

	printf("sched_yield: %s\n", res(sched_yield()));
	printf("sched_getscheduler: %s\n",
	       sched_getscheduler(0) == SCHED_OTHER ? "SCHED_OTHER" : "other");
	printf("sched_getscheduler(-1): %s\n", res(sched_getscheduler(-1)));
	printf("sched_getscheduler(another process): %s\n", res(sched_getscheduler(99999999)));
	printf("sched_getparam: %s, priority %d\n", res(sched_getparam(0, &sp)), sp.sched_priority);
	printf("sched_getparam(NULL): %s\n", res(syscall(SYS_sched_getparam, 0, NULL)));
	printf("sched_getparam(bad pointer): %s\n", res(syscall(SYS_sched_getparam, 0, (void *)8)));
	printf("priorities: FIFO %d..%d, RR %d..%d, OTHER %d..%d, BATCH %d..%d, IDLE %d..%d\n",
	       sched_get_priority_min(SCHED_FIFO), sched_get_priority_max(SCHED_FIFO),
	       sched_get_priority_min(SCHED_RR), sched_get_priority_max(SCHED_RR),
	       sched_get_priority_min(SCHED_OTHER), sched_get_priority_max(SCHED_OTHER),
	       sched_get_priority_min(SCHED_BATCH), sched_get_priority_max(SCHED_BATCH),
	       sched_get_priority_min(SCHED_IDLE), sched_get_priority_max(SCHED_IDLE));
	printf("priority of policy 77: %s\n", res(sched_get_priority_max(77)));

	/* setting a policy: what is refused before any privilege is asked */
	struct sched_param p0 = {0}, p1 = {1}, p100 = {100};
	printf("SCHED_FIFO, priority 0: %s\n", res(sched_setscheduler(0, SCHED_FIFO, &p0)));
	printf("SCHED_RR, priority 100: %s\n", res(sched_setscheduler(0, SCHED_RR, &p100)));
	printf("SCHED_OTHER, priority 1: %s\n", res(sched_setscheduler(0, SCHED_OTHER, &p1)));
	printf("policy 77: %s\n", res(sched_setscheduler(0, 77, &p0)));
	printf("policy -1: %s\n", res(syscall(SYS_sched_setscheduler, 0, -1, &p0)));
	printf("SCHED_DEADLINE: %s\n", res(sched_setscheduler(0, 6, &p0)));
	printf("NULL parameter: %s\n", res(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, NULL)));
	printf("bad parameter pointer: %s\n",
	       res(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, (void *)8)));
	printf("pid -1: %s\n", res(sched_setscheduler(-1, SCHED_OTHER, &p0)));
	printf("another process: %s\n", res(sched_setscheduler(99999999, SCHED_OTHER, &p0)));
	printf("sched_setparam priority 1 under SCHED_OTHER: %s\n", res(sched_setparam(0, &p1)));
	printf("sched_setparam NULL: %s\n", res(syscall(SYS_sched_setparam, 0, NULL)));
	printf("SCHED_BATCH: %s", res(sched_setscheduler(0, SCHED_BATCH, &p0)));
	printf(", read back: %s", yes(sched_getscheduler(0) == SCHED_BATCH));
	printf(", back to SCHED_OTHER: %s", res(sched_setscheduler(0, SCHED_OTHER, &p0)));
	printf(", read back: %s\n", yes(sched_getscheduler(0) == SCHED_OTHER));
}

struct lim {
	uint64_t cur, max;
};

static void limits(void)
{
	struct rlimit r, r2, old;
	struct lim raw, raw_old, want;

	for (int res_id = 0; res_id < RLIM_NLIMITS; res_id++) {
		if (getrlimit(res_id, &r) || r.rlim_cur > r.rlim_max)
			printf("limit %d: unreadable or cur above max\n", res_id);
	}
	printf("every limit readable with cur <= max\n");
	getrlimit(RLIMIT_STACK, &r);
	printf("stack limit at least 1 MiB: %s\n", yes(r.rlim_cur >= (1 << 20)));
	printf("getrlimit(99): %s\n", res(getrlimit(99, &r)));
	printf("raw getrlimit(99): %s\n", res(syscall(SYS_getrlimit, 99, &raw)));
	printf("raw getrlimit, bad pointer: %s\n",
	       res(syscall(SYS_getrlimit, RLIMIT_NOFILE, (void *)8)));

	getrlimit(RLIMIT_NOFILE, &old);
	r.rlim_cur = 100;
	r.rlim_max = old.rlim_max;
	printf("setrlimit(NOFILE, 100): %s\n", res(setrlimit(RLIMIT_NOFILE, &r)));
	getrlimit(RLIMIT_NOFILE, &r2);
	syscall(SYS_getrlimit, RLIMIT_NOFILE, &raw);
	printf("read back 100: %s, max unchanged: %s, raw getrlimit agrees: %s\n",
	       yes(r2.rlim_cur == 100), yes(r2.rlim_max == old.rlim_max),
	       yes(raw.cur == 100 && raw.max == old.rlim_max));
	want = (struct lim){64, old.rlim_max};
	printf("raw setrlimit(NOFILE, 64): %s\n",
	       res(syscall(SYS_setrlimit, RLIMIT_NOFILE, &want)));
	printf("prlimit64 sees 64 and sets 80: %s",
	       res(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &(struct lim){80, old.rlim_max},
			   &raw_old)));
	getrlimit(RLIMIT_NOFILE, &r2);
	printf(", old was 64: %s, now 80: %s\n", yes(raw_old.cur == 64), yes(r2.rlim_cur == 80));
	printf("prlimit64 on our own pid: %s\n",
	       res(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &raw)));
	printf("prlimit64 on another process: %s\n",
	       res(syscall(SYS_prlimit64, 99999999, RLIMIT_NOFILE, NULL, &raw)));
	printf("prlimit64, bad new pointer: %s\n",
	       res(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, (void *)8, NULL)));
	printf("prlimit64, bad old pointer: %s\n",
	       res(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, (void *)8)));
	printf("prlimit64, resource 16: %s\n", res(syscall(SYS_prlimit64, 0, 16, NULL, &raw)));
	r.rlim_cur = 10;
	r.rlim_max = 5;
	printf("setrlimit with cur above max: %s\n", res(setrlimit(RLIMIT_NOFILE, &r)));
	r.rlim_cur = old.rlim_cur > 1024 ? 1024 : old.rlim_cur;
	r.rlim_max = (1 << 20) + 1; /* beyond nr_open: refused even to root */
	printf("setrlimit NOFILE max beyond 1048576: %s\n", res(setrlimit(RLIMIT_NOFILE, &r)));
	printf("raw setrlimit, bad pointer: %s\n",
	       res(syscall(SYS_setrlimit, RLIMIT_NOFILE, (void *)8)));
	printf("restore NOFILE: %s\n", res(setrlimit(RLIMIT_NOFILE, &old)));
	getrlimit(RLIMIT_CORE, &old);
	r.rlim_cur = 0;
	r.rlim_max = old.rlim_max;
	setrlimit(RLIMIT_CORE, &r);
	getrlimit(RLIMIT_CORE, &r2);
	printf("core limit set to 0: %s\n", yes(r2.rlim_cur == 0 && r2.rlim_max == old.rlim_max));
}

int main(void)
{
	affinity();
	scheduler();
	limits();
	return 0;
}
