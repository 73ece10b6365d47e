/* sysinfo, times and getrusage: only relations that hold on any machine
 * are printed (memory sizes agree with each other, CPU time grows while
 * computing and not while sleeping, peak memory grows when memory is
 * touched), plus the error cases. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static const char *res(long r)
{
	if (r != -1)
		return "ok";
	return errno == EFAULT ? "EFAULT" : errno == EINVAL ? "EINVAL" : "other";
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static volatile uint64_t sink;
/* Compute until this process has used `seconds` of CPU time (on a loaded
 * machine that takes longer than `seconds` of wall time), for at most ten
 * times as long. */
static void busy(double seconds)
{
	struct timespec c0, c;
	double end = now() + 10 * seconds;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	do {
		for (int i = 0; i < 10000; i++)
			sink = sink * 6364136223846793005ull + 1;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	} while ((double)(c.tv_sec - c0.tv_sec) + (double)(c.tv_nsec - c0.tv_nsec) / 1e9 <
		     seconds &&
		 now() < end);
}

static long ticks(const struct tms *t)
{
	return (long)(t->tms_utime + t->tms_stime);
}
static double seconds(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

int main(void)
{
	struct sysinfo si;
	printf("sysinfo: %s\n", res(sysinfo(&si)));
	uint64_t unit = si.mem_unit ? si.mem_unit : 1;
	printf("mem_unit at least 1: %s\n", yes(si.mem_unit >= 1));
	printf("totalram over 16 MiB: %s\n", yes(si.totalram * unit > (16ull << 20)));
	printf("freeram at most totalram: %s, above 0: %s\n", yes(si.freeram <= si.totalram),
	       yes(si.freeram > 0));
	printf("uptime above 0: %s\n", yes(si.uptime > 0));
	printf("at least one process: %s\n", yes(si.procs >= 1));
	printf("sysinfo(bad pointer): %s\n", res(syscall(SYS_sysinfo, (void *)8)));

	long hz = sysconf(_SC_CLK_TCK);
	printf("clock ticks per second: %ld\n", hz);
	struct tms t0, t1, t2;
	clock_t c0 = times(&t0);
	double w0 = now();
	busy(0.2);
	clock_t c1 = times(&t1);
	double w1 = now();
	long cpu = ticks(&t1) - ticks(&t0), wall = (long)(c1 - c0);
	printf("times() advanced with the clock: %s\n",
	       yes(wall >= (long)((w1 - w0) * hz) - 2 && wall <= (long)((w1 - w0) * hz) + 2));
	printf("CPU time grew while computing 200 ms: %s, by no more than the time passed: %s\n",
	       yes(cpu >= 1), yes(cpu <= wall + 2));
	struct timespec nap = {0, 200 * 1000 * 1000};
	nanosleep(&nap, NULL);
	clock_t c2 = times(&t2);
	printf("sleeping 200 ms: times() advanced at least 15 ticks: %s, CPU time grew under 5 "
	       "ticks: %s\n",
	       yes(c2 - c1 >= 15 * hz / 100), yes(ticks(&t2) - ticks(&t1) < 5 * hz / 100));
	printf("children's times zero: %s\n", yes(t2.tms_cutime == 0 && t2.tms_cstime == 0));
	printf("times(bad pointer): %s\n", res(syscall(SYS_times, (void *)8)));
	printf("times(NULL) advances too: %s\n", yes(times(NULL) >= c2));

	struct rusage ru, ru2, rc;
	printf("getrusage(RUSAGE_SELF): %s\n", res(getrusage(RUSAGE_SELF, &ru)));
	double used = seconds(ru.ru_utime) + seconds(ru.ru_stime);
	printf("CPU time at least 100 ms: %s, under the time since start: %s\n", yes(used >= 0.1),
	       yes(used <= now() - w0 + 1));
	printf("maxrss above 100 KiB: %s\n", yes(ru.ru_maxrss > 100));
	size_t big = 16u << 20;
	char *volatile p = malloc(big); /* volatile: the compiler must not drop it */
	for (size_t i = 0; i < big; i += 4096)
		p[i] = 1;
	getrusage(RUSAGE_SELF, &ru2); /* Linux's count lags a little: per-CPU batches */
	printf("after touching 16 MiB: maxrss grew by at least 12 MiB: %s, minor faults grew: %s\n",
	       yes(ru2.ru_maxrss - ru.ru_maxrss >= 12 * 1024), yes(ru2.ru_minflt > ru.ru_minflt));
	free(p);
	struct rusage ru3;
	getrusage(RUSAGE_SELF, &ru3);
	printf("maxrss is a peak: it stays after free: %s\n", yes(ru3.ru_maxrss >= ru2.ru_maxrss));
	printf("getrusage(RUSAGE_THREAD): %s\n", res(getrusage(RUSAGE_THREAD, &ru3)));
	memset(&rc, 0xff, sizeof rc);
	printf("getrusage(RUSAGE_CHILDREN): %s, all zero: %s\n",
	       res(getrusage(RUSAGE_CHILDREN, &rc)),
	       yes(rc.ru_utime.tv_sec == 0 && rc.ru_utime.tv_usec == 0 &&
		   rc.ru_stime.tv_usec == 0 && rc.ru_maxrss == 0 && rc.ru_minflt == 0));
	printf("getrusage(5): %s\n", res(getrusage(5, &ru)));
	printf("getrusage(bad pointer): %s\n", res(syscall(SYS_getrusage, RUSAGE_SELF, (void *)8)));
	return 0;
}
