/* sched_rr_get_interval was not implemented (ENOSYS). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *res(long r)
{
	if (r == 0)
		return "0";
	switch (errno) {
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EFAULT: return "EFAULT";
	default: return strerror(errno);
	}
}

int main(void)
{
	struct timespec ts = {-1, -1};
	printf("self: %s", res(sched_rr_get_interval(0, &ts)));
	printf(", a valid interval: %s\n", ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000 ? "yes" : "no");
	printf("own pid: %s\n", res(sched_rr_get_interval(getpid(), &ts)));
	printf("pid -1: %s\n", res(sched_rr_get_interval(-1, &ts)));
	printf("no such process: %s\n", res(sched_rr_get_interval(99999999, &ts)));
	printf("bad pointer: %s\n", res(syscall(SYS_sched_rr_get_interval, 0, (void *)8)));
	return 0;
}
