/* clock_getres and clock_gettime on the clocks that clock_getcpuclockid and
 * pthread_getcpuclockid make (negative ids) failed with EINVAL, and the
 * CPU-time clocks counted time since boot, sleeps included. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *res(int r)
{
	if (r == 0)
		return "0";
	return r == EINVAL || errno == EINVAL ? "EINVAL" : r == ESRCH ? "ESRCH" : strerror(errno);
}

static void show(const char *what, clockid_t c)
{
	struct timespec ts = {-1, -1}, t1, t2;
	int r = clock_getres(c, &ts);
	printf("%s: clock_getres %s, %lld.%09ld\n", what, res(r), (long long)ts.tv_sec, ts.tv_nsec);
	clock_gettime(c, &t1);
	for (volatile long i = 0; i < 20000000; i++)
		;
	r = clock_gettime(c, &t2);
	printf("%s: clock_gettime %s, grows while computing: %s", what, res(r),
	       t2.tv_sec > t1.tv_sec || (t2.tv_sec == t1.tv_sec && t2.tv_nsec > t1.tv_nsec) ? "yes" : "no");
	struct timespec nap = {0, 200000000};
	nanosleep(&nap, NULL);
	clock_gettime(c, &t1);
	long grew_ms = (t1.tv_sec - t2.tv_sec) * 1000 + (t1.tv_nsec - t2.tv_nsec) / 1000000;
	printf(", while sleeping 200 ms: %s\n", grew_ms < 100 ? "under 100 ms" : "as much as the sleep");
}

int main(void)
{
	clockid_t c;
	show("CLOCK_PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID);
	show("CLOCK_THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID);
	printf("clock_getcpuclockid(0): %s\n", res(clock_getcpuclockid(0, &c)));
	show("its clock", c);
	printf("clock_getcpuclockid(getpid()): %s\n", res(clock_getcpuclockid(getpid(), &c)));
	show("its clock", c);
	printf("pthread_getcpuclockid(self): %s\n", res(pthread_getcpuclockid(pthread_self(), &c)));
	show("its clock", c);
	struct timespec ts;
	printf("another process's clock: %s\n", res(clock_getres((clockid_t)(~99999999u << 3 | 2), &ts)));
	printf("clock type 3: %s\n", res(clock_getres((clockid_t)(~0u << 3 | 3), &ts)));
	printf("clock_getres(CPU clock, NULL): %s\n", res(clock_getres(CLOCK_PROCESS_CPUTIME_ID, NULL)));
	return 0;
}
