/* sched_rr_get_interval was not implemented (ENOSYS). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

/* 0, or the errno's name */
static const char *zero(long r)
{
	return r == 0 ? "0" : errno_name();
}

int main(void)
{
	struct timespec ts = {-1, -1};
	printf("self: %s", zero(sched_rr_get_interval(0, &ts)));
	printf(", a valid interval: %s\n", ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000 ? "yes" : "no");
	printf("own pid: %s\n", zero(sched_rr_get_interval(getpid(), &ts)));
	printf("pid -1: %s\n", zero(sched_rr_get_interval(-1, &ts)));
	printf("no such process: %s\n", zero(sched_rr_get_interval(99999999, &ts)));
	printf("bad pointer: %s\n", zero(syscall(SYS_sched_rr_get_interval, 0, (void *)8)));
	return 0;
}
