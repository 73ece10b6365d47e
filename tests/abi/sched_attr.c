/* sched_setattr and sched_getattr were ENOSYS (Chromium, systemd, some
 * runtimes use them instead of sched_setscheduler and setpriority). The
 * struct's sizes (E2BIG, with the size written back), nice and priority
 * through either interface, SCHED_FLAG_KEEP_POLICY and KEEP_PARAMS,
 * SCHED_FLAG_RESET_ON_FORK, Linux's errors. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
	uint8_t more[16];
};

static long set(struct attr *a, unsigned flags)
{
	return syscall(SYS_sched_setattr, 0L, a, (long)flags);
}

static long get(struct attr *a, unsigned size)
{
	return syscall(SYS_sched_getattr, 0L, a, (long)size, 0L);
}

static void show(const char *what)
{
	struct attr a;
	memset(&a, 0xff, sizeof a);
	long r = get(&a, 48);
	printf("%s: %s size %u policy %u flags %llu nice %d priority %u; getpriority %d\n", what,
	       res(r), a.size, a.policy, (unsigned long long)a.flags, a.nice, a.priority,
	       getpriority(PRIO_PROCESS, 0));
}

int main(void)
{
	show("at start");
	struct attr a = {.size = 48, .policy = SCHED_OTHER, .nice = 5};
	printf("set nice 5 %s\n", res(set(&a, 0)));
	show("nice 5");
	a = (struct attr){.size = 48, .policy = SCHED_FIFO, .priority = 10};
	printf("set FIFO 10 %s\n", res(set(&a, 0)));
	show("FIFO 10");
	printf("sched_getscheduler %d\n", sched_getscheduler(0));
	a = (struct attr){.size = 48, .flags = 0x08 /* KEEP_POLICY */, .priority = 20};
	printf("keep policy, priority 20 %s\n", res(set(&a, 0)));
	show("kept FIFO");
	a = (struct attr){.size = 48, .policy = SCHED_RR, .flags = 0x10 /* KEEP_PARAMS */};
	printf("RR, keep params %s\n", res(set(&a, 0)));
	show("RR");
	a = (struct attr){.size = 48, .policy = SCHED_OTHER, .flags = 0x01, .nice = -3};
	printf("OTHER, reset on fork, nice -3 %s\n", res(set(&a, 0)));
	show("reset on fork");
	printf("sched_getscheduler %#x\n", sched_getscheduler(0));
	a = (struct attr){.size = 48, .policy = SCHED_OTHER, .nice = 40};
	printf("nice 40 is cut to 19 %s\n", res(set(&a, 0)));
	show("nice 19");

	a = (struct attr){.size = 47, .policy = SCHED_OTHER};
	printf("size 47 %s, size written back %u\n", res(set(&a, 0)), a.size);
	a = (struct attr){.size = 0, .policy = SCHED_OTHER};
	printf("size 0 is the first version's %s\n", res(set(&a, 0)));
	a = (struct attr){.size = sizeof a, .policy = SCHED_OTHER};
	printf("longer, zeros past the known %s\n", res(set(&a, 0)));
	a.more[3] = 1;
	printf("longer, not zeros %s, size written back %u\n", res(set(&a, 0)), a.size);
	a = (struct attr){.size = 48, .policy = SCHED_OTHER, .flags = 0x20};
	printf("util clamp in the first version %s\n", res(set(&a, 0)));
	a = (struct attr){.size = 48, .policy = 9};
	printf("bad policy %s\n", res(set(&a, 0)));
	a = (struct attr){.size = 48, .policy = SCHED_FIFO, .priority = 0};
	printf("FIFO 0 %s\n", res(set(&a, 0)));
	a = (struct attr){.size = 48, .policy = SCHED_OTHER, .priority = 1};
	printf("OTHER 1 %s\n", res(set(&a, 0)));
	a = (struct attr){.size = 48, .policy = SCHED_OTHER, .flags = 0x1000};
	printf("bad flags %s\n", res(set(&a, 0)));
	printf("flags argument %s\n", res(set(&a, 1)));
	printf("NULL %s\n", res(syscall(SYS_sched_setattr, 0L, NULL, 0L)));
	printf("no such thread %s\n", res(syscall(SYS_sched_setattr, 999999L, &a, 0L)));
	printf("get size 47 %s\n", res(get(&a, 47)));
	printf("get bad pointer %s\n", res(get((struct attr *)8, 48)));
	printf("get flags %s\n", res(syscall(SYS_sched_getattr, 0L, &a, 48L, 1L)));
	return 0;
}
